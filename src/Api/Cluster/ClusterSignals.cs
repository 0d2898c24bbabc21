using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using SmtpProbeHub.Api.Storage.Database;

namespace SmtpProbeHub.Api.Cluster;

/// <summary>
/// LISTEN on the cluster's NOTIFY channels over one dedicated connection, and wakes whoever waits for a channel and key.
/// A waiter always re-reads the database after waking or after <see cref="ClusterOptions.PollMilliseconds"/>, so a
/// notification lost while the connection was down only delays, never loses, what it announced.
/// </summary>
internal sealed partial class ClusterSignals(StorageDatabase database, IOptions<ClusterOptions> options, ILogger<ClusterSignals> logger) : BackgroundService
{
    /// <summary>Matches any payload of a channel.</summary>
    public const string Any = "*";

    private readonly ConcurrentDictionary<(string Channel, string Key), TaskCompletionSource> _waiters = new();

    /// <summary>Completes at the next notification of <paramref name="channel"/> with <paramref name="key"/> (or <see cref="Any"/>), or after the poll interval.</summary>
    public async Task WaitAsync(string channel, string key, CancellationToken cancellationToken)
    {
        var signal = _waiters.GetOrAdd((channel, key), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await signal.Task.WaitAsync(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), cancellationToken);
        }
        catch (TimeoutException)
        {
            // The poll: the caller reads the database anyway.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await database.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Signal(e.Channel, e.Payload);
                await using (var listen = connection.CreateCommand())
                {
                    listen.CommandText = string.Concat(ClusterChannels.All.Select(c => $"LISTEN {c};"));
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenFailed(ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Signal(string channel, string key)
    {
        if (_waiters.TryRemove((channel, key), out var exact))
        {
            exact.TrySetResult();
        }

        if (_waiters.TryRemove((channel, Any), out var any))
        {
            any.TrySetResult();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Listening for the other replicas' notifications failed ({Reason}); polling until it is back")]
    private partial void LogListenFailed(string reason);
}
