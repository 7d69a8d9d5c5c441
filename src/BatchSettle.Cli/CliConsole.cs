using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace BatchSettle.Cli;

/// <summary>
/// Where the CLI writes: data on stdout, diagnostics (logs, progress) on stderr. While a live progress bar is on the
/// terminal, diagnostic lines go through its console so they print above the bar instead of tearing it.
/// </summary>
internal sealed class CliConsole(TextWriter output, TextWriter error)
{
    private readonly Lock gate = new();

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>The Spectre console of the live progress display while one runs.</summary>
    public IAnsiConsole? Live { get; set; }

    /// <summary>Stderr is this process's terminal (not redirected, not a test's writer): progress is drawn as a live bar.</summary>
    public bool Interactive =>
        ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected
        && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    public void Diagnostic(string line)
    {
        lock (gate)
        {
            if (Live is { } live)
            {
                live.WriteLine(line);
            }
            else
            {
                Error.WriteLine(line);
            }
        }
    }
}

/// <summary>The CLI's logger: the message alone on stderr (the data layer's lines read as they always did), warnings and errors prefixed.</summary>
internal sealed class CliLoggerProvider(CliConsole console, LogLevel minimum) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CliLogger(console, minimum);

    public void Dispose()
    {
    }

    private sealed class CliLogger(CliConsole console, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string text = formatter(state, exception);
            if (exception is not null) text += Environment.NewLine + exception.Message;
            console.Diagnostic(logLevel >= LogLevel.Error ? string.Create(CultureInfo.InvariantCulture, $"error: {text}") : text);
        }
    }
}
