namespace BatchSettle.Data.Infrastructure;

/// <summary>Finds the source checkout (the folder holding BatchSettle.sln) by walking up from a start folder.</summary>
public static class Checkout
{
    public const string SolutionFile = "BatchSettle.sln";

    /// <summary>The checkout root above <paramref name="start"/> (default: the current directory, then the executable's folder), or null.</summary>
    public static string? FindRoot(string? start = null)
    {
        foreach (var s in start is null ? [Directory.GetCurrentDirectory(), AppContext.BaseDirectory] : new[] { start })
        {
            for (var dir = new DirectoryInfo(s); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
            }
        }
        return null;
    }
}
