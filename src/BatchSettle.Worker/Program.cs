return await BatchSettle.Worker.Cli.CliApp.RunAsync(args);
