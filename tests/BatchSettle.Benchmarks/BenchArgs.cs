namespace BatchSettle.Benchmarks;

/// <summary>--name value pairs.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public BenchArgs(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument {args[i]}");
            string name = args[i][2..];
            _values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => Get(name) == "true";
}
