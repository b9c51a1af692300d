import SeismoCLI

SeismoCommand.prepareProcess()
SeismoCommand.main()
