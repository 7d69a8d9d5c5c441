using Microsoft.Extensions.Logging;

namespace BatchSettle.Data.Tests;

/// <summary>An ILogger writing each message as a line to a TextWriter: what the data layer logs, for a test to read.</summary>
internal sealed class WriterLogger(TextWriter writer) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        writer.WriteLine(formatter(state, exception));
}
