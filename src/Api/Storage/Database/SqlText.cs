using System.Globalization;
using Dapper;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>
/// An interpolated SQL string as a command: every hole becomes a parameter (@p0, @p1, …), never text, so a value can
/// never change the statement. Both providers take <c>@name</c> parameters. <see cref="Raw"/> marks the one exception:
/// a fixed fragment of this code's own SQL (a column list), inserted as written.
/// </summary>
internal static class SqlText
{
    private static readonly string[] Names = [.. Enumerable.Range(0, 32).Select(i => $"@p{i}")];

    public static RawSql Raw(string text) => new(text);

    public static (string Text, DynamicParameters Parameters) Of(FormattableString sql)
    {
        var arguments = sql.GetArguments();
        var holes = new object?[arguments.Length];
        var parameters = new DynamicParameters();
        for (var i = 0; i < arguments.Length; i++)
        {
            if (arguments[i] is RawSql raw)
            {
                holes[i] = raw.Text;
                continue;
            }

            var name = i < Names.Length ? Names[i] : $"@p{i}";
            holes[i] = name;
            parameters.Add(name[1..], arguments[i]);
        }

        return (string.Format(CultureInfo.InvariantCulture, sql.Format, holes), parameters);
    }
}

/// <summary>A fragment of the hub's own SQL, inserted as text (never a value from outside).</summary>
internal sealed record RawSql(string Text);
