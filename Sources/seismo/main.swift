import SeismoCLI

SeismoCommand.main()
