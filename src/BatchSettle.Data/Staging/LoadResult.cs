namespace BatchSettle.Data.Staging;

/// <summary>Counts of one file's load.</summary>
public sealed record LoadResult(string File, int Rows, int Inserted, int AlreadyLoaded, int Rejected)
{
    /// <summary>Persons: rows with no version in force at <see cref="AsOf"/> (a version was added).</summary>
    public long New { get; init; }

    /// <summary>Persons: rows that differ from the version in force at <see cref="AsOf"/> (a version was added).</summary>
    public long Changed { get; init; }

    /// <summary>Persons: rows identical to the version in force (nothing added).</summary>
    public long Unchanged { get; init; }

    /// <summary>Persons: the snapshot's date.</summary>
    public DateOnly? AsOf { get; init; }

    /// <summary>Persons: registry_snapshot.snapshot_id of this load.</summary>
    public long? SnapshotId { get; init; }

    /// <summary>The load's summary line, as the CLI prints it.</summary>
    public string Format() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{File}: {Rows} rows, {Inserted} loaded, {AlreadyLoaded} already loaded (skipped), {Rejected} rejected")
        + (AsOf is { } asOf
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"; registry snapshot {SnapshotId} as of {asOf:yyyy-MM-dd}: {New} new, {Changed} changed (new versions), {Unchanged} unchanged")
            : "");
}

/// <summary>How far a load has read its file: rows so far, bytes read of the file's size (for a rate and an estimate).</summary>
public sealed record LoadProgress(string File, long Rows, long BytesRead, long FileBytes, bool Done)
{
    /// <summary>Rows between two reports.</summary>
    public const int Every = 20_000;
}

/// <summary>A load that cannot proceed at all (unknown or missing column, unreadable file).</summary>
public sealed class LoadException(string message) : Exception(message);
