return await BatchSettle.Cli.CliApp.RunAsync(args);
