import SeismoCLI

SeismoCommand.prepareProcess()
SeismoCommand.refuseUnknownCommands()
SeismoCommand.main()
