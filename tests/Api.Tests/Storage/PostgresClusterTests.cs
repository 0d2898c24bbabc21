using Npgsql;
using SmtpProbeHub.TestSupport.Postgres;

namespace SmtpProbeHub.Api.Tests.Storage;

/// <summary>
/// The private PostgreSQL cluster the storage tests run against: each test's database is its own, and the server is
/// reachable only through its socket directory, never a TCP port, and is never the machine's system cluster.
/// </summary>
public sealed class PostgresClusterTests
{
    [Fact]
    public async Task TwoDatabases_OfTheSharedCluster_AreSeparate()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var first = await cluster.CreateDatabaseAsync("clustertest");
        var second = await cluster.CreateDatabaseAsync("clustertest");
        try
        {
            Assert.NotEqual(first, second);
            await ExecuteAsync(first, "CREATE TABLE only_here (id int PRIMARY KEY); INSERT INTO only_here VALUES (1);");

            Assert.Equal("only_here", await ScalarAsync(first, "SELECT to_regclass('only_here')::text"));
            Assert.Null(await ScalarAsync(second, "SELECT to_regclass('only_here')::text"));
        }
        finally
        {
            await cluster.DropDatabaseAsync(first);
            await cluster.DropDatabaseAsync(second);
        }
    }

    [Fact]
    public async Task TheSharedCluster_ListensOnNoTcpPort_AndIsNotTheSystemCluster()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var database = await cluster.CreateDatabaseAsync("clustertest");
        try
        {
            Assert.Equal("", await ScalarAsync(database, "SHOW listen_addresses"));
            Assert.Equal(cluster.SocketDirectory, await ScalarAsync(database, "SHOW unix_socket_directories"));

            var dataDirectory = await ScalarAsync(database, "SHOW data_directory");
            Assert.NotNull(dataDirectory);
            Assert.StartsWith(Path.GetTempPath(), dataDirectory, StringComparison.Ordinal);
            Assert.StartsWith(cluster.RootDirectory + "/", dataDirectory, StringComparison.Ordinal);
            Assert.DoesNotContain("/var/lib/postgresql", dataDirectory, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task DropDatabase_WithOpenConnections_DropsIt()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var database = await cluster.CreateDatabaseAsync("clustertest");
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using (var open = new NpgsqlConnection(database))
        {
            await open.OpenAsync(TestContext.Current.CancellationToken);
            await cluster.DropDatabaseAsync(database);
        }

        var postgres = cluster.ConnectionString("postgres");
        Assert.Equal("0", await ScalarAsync(postgres, $"SELECT count(*)::text FROM pg_database WHERE datname = '{name}'"));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<string?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return value is DBNull ? null : (string?)value;
    }
}
