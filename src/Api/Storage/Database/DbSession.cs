using System.Data.Common;
using Dapper;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>
/// One open connection (and, for the writer, its batch's transaction) with the few calls the store makes: statements
/// written as interpolated strings (<see cref="SqlText"/>), rows mapped by Dapper onto plain classes by column name.
/// </summary>
internal sealed class DbSession(DbConnection connection, DbTransaction? transaction, StorageProvider provider)
{
    public StorageProvider Provider => provider;

    public DbConnection Connection => connection;

    public Task<int> ExecuteAsync(FormattableString sql, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(Command(sql, cancellationToken));

    public async Task<List<T>> QueryAsync<T>(FormattableString sql, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<T>(Command(sql, cancellationToken))).AsList();

    public Task<T?> FirstOrDefaultAsync<T>(FormattableString sql, CancellationToken cancellationToken) =>
        connection.QueryFirstOrDefaultAsync<T>(Command(sql, cancellationToken));

    /// <summary>The first column of the first row, converted (COUNT(*) is a bigint on PostgreSQL, an integer on SQLite).</summary>
    public async Task<long> LongAsync(FormattableString sql, CancellationToken cancellationToken) =>
        Convert.ToInt64(await connection.ExecuteScalarAsync(Command(sql, cancellationToken)), System.Globalization.CultureInfo.InvariantCulture);

    public Task<int> ExecuteAsync(string sql, DynamicParameters parameters, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));

    public async Task<List<T>> QueryAsync<T>(string sql, DynamicParameters parameters, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken))).AsList();

    public async Task<long> LongAsync(string sql, DynamicParameters parameters, CancellationToken cancellationToken) =>
        Convert.ToInt64(await connection.ExecuteScalarAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)), System.Globalization.CultureInfo.InvariantCulture);

    private CommandDefinition Command(FormattableString sql, CancellationToken cancellationToken)
    {
        var (text, parameters) = SqlText.Of(sql);
        return new CommandDefinition(text, parameters, transaction, cancellationToken: cancellationToken);
    }
}
