using System.Globalization;

namespace BatchSettle.Cli;

/// <summary>Parsed "--name value" options and positional arguments of one verb.</summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    /// <summary>Parses <paramref name="args"/>; the names in <paramref name="flags"/> take no value ("--subsidies").</summary>
    public static CliArgs Parse(ReadOnlySpan<string> args, params string[] flags)
    {
        var a = new CliArgs();
        for (int i = 0; i < args.Length; i++)
        {
            string s = args[i];
            if (s.StartsWith("--", StringComparison.Ordinal))
            {
                string name = s[2..];
                string? value = null;
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (Array.IndexOf(flags, name) >= 0) value = "true";
                else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
                if (value is null) throw new UsageException($"option --{name} needs a value");
                if (!a._options.TryAdd(name, value)) throw new UsageException($"option --{name} given twice");
            }
            else
            {
                a.Positional.Add(s);
            }
        }
        return a;
    }

    /// <summary>Sets an option's value (the System.CommandLine parse result handing its values to the verbs).</summary>
    public void Set(string name, string value) => _options[name] = value;

    public string? Get(string name)
    {
        _used.Add(name);
        return _options.GetValueOrDefault(name);
    }

    /// <summary>True when the flag was given (a flag must be listed in <see cref="Parse"/>'s flags).</summary>
    public bool Flag(string name) => Get(name) is not null;

    public string Required(string name) => Get(name) ?? throw new UsageException($"missing --{name}");

    public int Int(string name, int fallback)
    {
        string? v = Get(name);
        if (v is null) return fallback;
        return int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new UsageException($"--{name} must be a positive integer, got '{v}'");
    }

    /// <summary>Refuses options the verb did not ask for (a typo must not be ignored silently).</summary>
    public void EnsureAllUsed(int maxPositional = 0)
    {
        foreach (var k in _options.Keys)
        {
            if (!_used.Contains(k)) throw new UsageException($"unknown option --{k}");
        }
        if (Positional.Count > maxPositional) throw new UsageException($"unexpected argument '{Positional[maxPositional]}'");
    }
}

/// <summary>Bad command line: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
