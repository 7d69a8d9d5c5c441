namespace BatchSettle.Cli;

/// <summary><c>batchsettle trigger --batch B</c>, in the shape CliApp's by-name delegation calls.</summary>
public static class TriggerCommand
{
    public static Task<int> RunAsync(string[] args) => WorkerCommand.TriggerAsync(args, Console.Out, CancellationToken.None);
}
