using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BatchSettle.Dashboard;

/// <summary>
/// Password hashes for <see cref="DashboardUserOptions.PasswordHash"/>: PBKDF2-HMAC-SHA256 with a 16-byte random salt
/// and <see cref="Iterations"/> iterations (OWASP's figure for PBKDF2-SHA256), compared in constant time. A hash with
/// fewer than <see cref="LegacyMinIterations"/> is refused at start-up (<see cref="DashboardSecurity"/>); one between that
/// and <see cref="MinIterations"/> is accepted with a warning and upgraded on the user's first login (the new hash is kept
/// in <c>dashboard_credential</c>, migration 093, and used from then on).
/// </summary>
public static class PasswordCheck
{
    /// <summary>Iterations of a new hash: 600,000 (OWASP Password Storage Cheat Sheet, PBKDF2-HMAC-SHA256).</summary>
    public const int Iterations = 600_000;

    /// <summary>The fewest iterations a hash may have without being upgraded on login.</summary>
    public const int MinIterations = 600_000;

    /// <summary>The fewest iterations a configured hash may have at all (older hashes, e.g. 210,000, are upgraded on login).</summary>
    public const int LegacyMinIterations = 100_000;

    private const string Prefix = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>
    /// A hash no password matches, checked for an unknown user name so that a wrong name costs what a wrong password
    /// costs (no early exit that tells which users exist).
    /// </summary>
    internal static readonly string DummyHash = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    /// <summary>A new hash of <paramref name="password"/> with a random salt.</summary>
    public static string Hash(string password) => Hash(password, Iterations);

    /// <summary>A hash at <paramref name="iterations"/> (tests make old, weaker hashes with it).</summary>
    internal static string Hash(string password, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Prefix, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>The iterations of a well-formed hash (0 when malformed).</summary>
    public static int IterationsOf(string stored) => stored is not null && TryParse(stored, out int iterations, out _, out _) ? iterations : 0;

    /// <summary>Whether a well-formed hash is weaker than <see cref="MinIterations"/> (accepted, upgraded on login).</summary>
    public static bool NeedsUpgrade(string stored) =>
        stored is not null && TryParse(stored, out int iterations, out _, out _) && iterations < MinIterations;

    /// <summary>Whether a configured hash is well formed and strong enough; <paramref name="problem"/> says why not.</summary>
    public static bool IsAcceptable(string stored, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!TryParse(stored, out int iterations, out _, out _))
        {
            problem = $"not a {Prefix}$iterations$salt$hash value";
            return false;
        }

        if (iterations < LegacyMinIterations)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"{iterations:N0} iterations, fewer than the {LegacyMinIterations:N0} accepted for an upgrade on login");
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Whether <paramref name="password"/> is the user's; a malformed or weak hash never matches.</summary>
    public static bool Matches(DashboardUserOptions user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        if (!string.IsNullOrEmpty(user.PasswordHash))
        {
            return MatchesHash(user.PasswordHash, password);
        }

        if (string.IsNullOrEmpty(user.Password))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user.Password), Encoding.UTF8.GetBytes(password));
    }

    /// <summary>PBKDF2 of <paramref name="password"/> under the stored salt and iterations, compared in constant time.</summary>
    internal static bool MatchesHash(string stored, string password)
    {
        if (!TryParse(stored, out int iterations, out var salt, out var expected) || iterations < LegacyMinIterations)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = [];
        hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Prefix
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length >= 8 && hash.Length >= 16;
    }
}
