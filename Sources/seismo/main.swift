import SeismoCLI

SeismoCommand.installInterruptHandlers()
SeismoCommand.main()
