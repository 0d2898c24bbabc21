using System.Data.Common;
using System.Threading.Channels;
using SmtpProbeHub.Api.Storage.Sqlite;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>
/// The hub's one writer (per hub process; on SQLite the only one there is). Writes run strictly in the order they were queued, and whatever is queued
/// while one batch commits goes into the next batch: one context and one transaction for many writes (a group
/// commit), so under load the cost of a commit is shared instead of every probe paying for four. Order is what
/// lets a caller queue a write without waiting for it (a run marked started is always before its end).
/// Each write runs under its own savepoint: one that fails (say, its second INSERT) leaves nothing of itself
/// behind and the rest of its batch still commits. A failed commit fails the whole batch.
/// </summary>
internal sealed partial class WriteQueue : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private const string WriteSavepoint = "queued_write";
    private readonly Channel<IQueuedWrite> _queue = Channel.CreateUnbounded<IQueuedWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StorageDatabase _database;
    private readonly ILogger _logger;
    private readonly StorageHealth _health;
    private readonly DatabaseFileGuard? _guard;
    private readonly Task _loop;

    // The writer's own connection, opened once: opening one per batch (and the PRAGMA every SQLite open runs) was
    // ~3 % of the hub's CPU per probe (bench/, issue 6). Dropped after a failed batch.
    private DbConnection? _writerConnection;

    public WriteQueue(StorageDatabase database, ILogger logger, StorageHealth health, DatabaseFileGuard? guard = null)
    {
        _database = database;
        _logger = logger;
        _health = health;
        _guard = guard;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Queues a write; the task completes once the batch holding it has committed.</summary>
    public Task<T> Enqueue<T>(Func<DbSession, Task<T>> write, CancellationToken cancellationToken)
    {
        var queued = new QueuedWrite<T>(write, cancellationToken);
        if (!_queue.Writer.TryWrite(queued))
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(WriteQueue), "The hub is stopping: storage takes no more writes."));
        }

        return queued.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        if (_writerConnection is not null)
        {
            await _writerConnection.DisposeAsync();
        }
    }

    private async Task LoopAsync()
    {
        var batch = new List<IQueuedWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            await RunBatchAsync(batch);
            batch.Clear();
        }
    }

    private async Task RunBatchAsync(List<IQueuedWrite> batch)
    {
        if (_guard is not null && !await _guard.CheckIfDueAsync())
        {
            var lost = new StorageUnavailableException(_health.Problem ?? "the database file is gone");
            foreach (var write in batch)
            {
                write.Fail(lost);
            }

            return;
        }

        try
        {
            var connection = await WriterConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var session = new DbSession(connection, transaction, _database.Provider);
            foreach (var write in batch)
            {
                await transaction.SaveAsync(WriteSavepoint);
                if (await write.RunAsync(session))
                {
                    await transaction.ReleaseAsync(WriteSavepoint);
                }
                else
                {
                    await transaction.RollbackAsync(WriteSavepoint);
                }
            }

            await transaction.CommitAsync();
        }
        catch (Exception ex)
        {
            LogBatchFailed(ex, batch.Count);
            await DropWriterConnectionAsync();
            var failure = ex;
            if (StorageHealth.IsUnavailable(ex))
            {
                _health.WriteFailed(ex.Message);
                failure = new StorageUnavailableException(ex.Message, ex);
            }

            foreach (var write in batch)
            {
                write.Fail(failure);
            }

            return;
        }

        var unavailable = batch.Select(w => w.Failure).FirstOrDefault(f => f is not null && StorageHealth.IsUnavailable(f));
        if (unavailable is null)
        {
            _health.WriteSucceeded();
        }
        else
        {
            _health.WriteFailed(unavailable.Message);
        }

        foreach (var write in batch)
        {
            write.Complete();
        }
    }

    private async Task<DbConnection> WriterConnectionAsync() => _writerConnection ??= await _database.OpenAsync(CancellationToken.None);

    private async Task DropWriterConnectionAsync()
    {
        if (_writerConnection is { } connection)
        {
            _writerConnection = null;
            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or DbException)
            {
                // Already broken; a fresh one is opened for the next batch.
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "A storage commit of {Count} write(s) failed")]
    private partial void LogBatchFailed(Exception exception, int count);

    private interface IQueuedWrite
    {
        /// <summary>Runs the write; false when it failed (its savepoint is then rolled back).</summary>
        Task<bool> RunAsync(DbSession db);

        /// <summary>Why the write failed on its own (its savepoint rolled back), or null.</summary>
        Exception? Failure { get; }

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class QueuedWrite<T>(Func<DbSession, Task<T>> write, CancellationToken cancellationToken) : IQueuedWrite
    {
        private T _result = default!;
        private Exception? _failure;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Failure => _failure;

        public async Task<bool> RunAsync(DbSession db)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _failure = new OperationCanceledException(cancellationToken);
                return false;
            }

            try
            {
                _result = await write(db);
                return true;
            }
            catch (Exception ex)
            {
                // Only this write failed: its savepoint is rolled back, the rest of the batch still commits.
                _failure = ex;
                return false;
            }
        }

        public void Complete()
        {
            if (_failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                Completion.TrySetCanceled(cancellationToken);
            }
            else if (_failure is not null)
            {
                Completion.TrySetException(StorageHealth.IsUnavailable(_failure) && _failure is not StorageUnavailableException
                    ? new StorageUnavailableException(_failure.Message, _failure)
                    : _failure);
            }
            else
            {
                Completion.TrySetResult(_result);
            }
        }

        public void Fail(Exception exception) => Completion.TrySetException(
            _failure is not null && StorageHealth.IsUnavailable(_failure) ? new StorageUnavailableException(_failure.Message, _failure) : _failure ?? exception);
    }
}
