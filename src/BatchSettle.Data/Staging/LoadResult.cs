namespace BatchSettle.Data.Staging;

/// <summary>Counts of one file's load.</summary>
public sealed record LoadResult(string File, int Rows, int Inserted, int AlreadyLoaded, int Rejected)
{
    /// <summary>The load's summary line, as the CLI prints it.</summary>
    public string Format() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{File}: {Rows} rows, {Inserted} loaded, {AlreadyLoaded} already loaded (skipped), {Rejected} rejected");
}

/// <summary>How far a load has read its file: rows so far, bytes read of the file's size (for a rate and an estimate).</summary>
public sealed record LoadProgress(string File, long Rows, long BytesRead, long FileBytes, bool Done)
{
    /// <summary>Rows between two reports.</summary>
    public const int Every = 20_000;
}

/// <summary>A load that cannot proceed at all (unknown or missing column, unreadable file).</summary>
public sealed class LoadException(string message) : Exception(message);
