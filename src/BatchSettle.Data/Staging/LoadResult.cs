namespace BatchSettle.Data.Staging;

/// <summary>Counts of one file's load.</summary>
public sealed record LoadResult(string File, int Rows, int Inserted, int AlreadyLoaded, int Rejected);

/// <summary>A load that cannot proceed at all (unknown or missing column, unreadable file).</summary>
public sealed class LoadException(string message) : Exception(message);
