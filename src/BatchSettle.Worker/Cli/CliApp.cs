namespace BatchSettle.Worker.Cli;

/// <summary>The batchsettle command line (CONTRACT.md "Command line").</summary>
public static class CliApp
{
    public static Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Console.Error.WriteLine("batchsettle: no verbs yet");
        return Task.FromResult(2);
    }
}
