using System.Globalization;
using System.Security.Cryptography;
using System.Xml;
using Cronos;

namespace SmtpProbeHub.Api.Monitors.Scheduling;

/// <summary>
/// When a monitor runs: slots of an interval (aligned to the Unix epoch, so every hub computes the same slots) or of a
/// cron expression in a time zone, each shifted by the monitor's fixed jitter. Slots are pure arithmetic on the clock:
/// no state beyond the stored next-due time, so a restarted hub (or another replica) continues the same series.
/// </summary>
internal sealed class MonitorSchedule
{
    public const int MaxCronJitterDefaultSeconds = 10;
    public const int MaxEveryJitterDefaultSeconds = 60;
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromDays(7);

    private readonly TimeSpan? _every;
    private readonly CronExpression? _cron;
    private readonly TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private readonly TimeSpan _jitterMax;

    private MonitorSchedule(TimeSpan? every, CronExpression? cron, TimeZoneInfo zone, TimeSpan jitterMax)
    {
        (_every, _cron, _zone, _jitterMax) = (every, cron, zone, jitterMax);
    }

    /// <summary>The schedule a (validated) request describes; throws <see cref="FormatException"/> when it describes none.</summary>
    public static MonitorSchedule From(ScheduleRequest request)
    {
        var errors = new List<(string Field, string Message)>();
        var schedule = TryCreate(request, errors);
        return schedule ?? throw new FormatException(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
    }

    /// <summary>Parses and checks a schedule request; null (with the reasons in <paramref name="errors"/>) when it is unusable.</summary>
    public static MonitorSchedule? TryCreate(ScheduleRequest? request, List<(string Field, string Message)> errors)
    {
        if (request is null)
        {
            errors.Add(("schedule", "A schedule is required: every (\"1m\") or cron (\"*/5 * * * *\") with an optional timeZone."));
            return null;
        }

        var hasEvery = !string.IsNullOrWhiteSpace(request.Every);
        var hasCron = !string.IsNullOrWhiteSpace(request.Cron);
        if (hasEvery == hasCron)
        {
            errors.Add(("schedule", "Give exactly one of schedule.every and schedule.cron."));
            return null;
        }

        if (request.JitterSeconds is < 0 or > 3600)
        {
            errors.Add(("schedule.jitterSeconds", "jitterSeconds must be between 0 and 3600."));
            return null;
        }

        if (hasEvery)
        {
            if (request.TimeZone is not null)
            {
                errors.Add(("schedule.timeZone", "timeZone goes with cron; an interval is the same in every zone."));
                return null;
            }

            if (ParseInterval(request.Every!) is not { } every || every < MinInterval || every > MaxInterval)
            {
                errors.Add(("schedule.every", "every is an interval of 1 s to 7 days: \"30s\", \"5m\", \"1h\", \"1d\" or ISO 8601 (\"PT5M\"), whole seconds."));
                return null;
            }

            var jitter = request.JitterSeconds is { } j ? TimeSpan.FromSeconds(j) : Min(every, TimeSpan.FromSeconds(MaxEveryJitterDefaultSeconds));
            return new MonitorSchedule(every, null, TimeZoneInfo.Utc, Min(jitter, every));
        }

        CronExpression cron;
        try
        {
            var text = request.Cron!.Trim();
            var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            cron = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            errors.Add(("schedule.cron", $"Not a cron expression (5 fields, or 6 with seconds first): {ex.Message}"));
            return null;
        }

        var zone = TimeZoneInfo.Utc;
        if (request.TimeZone is { } name && !TimeZoneInfo.TryFindSystemTimeZoneById(name, out zone!))
        {
            errors.Add(("schedule.timeZone", $"Unknown time zone '{name}' (an IANA name such as Europe/Berlin)."));
            return null;
        }

        return new MonitorSchedule(null, cron, zone, TimeSpan.FromSeconds(request.JitterSeconds ?? MaxCronJitterDefaultSeconds));
    }

    /// <summary>
    /// The shortest time between two of its slots: the interval itself, or for cron the smallest gap among its next
    /// occurrences (a 6-field expression can fire every second).
    /// </summary>
    public TimeSpan ShortestGap()
    {
        if (_every is { } every)
        {
            return every;
        }

        var shortest = TimeSpan.MaxValue;
        var previous = _cron!.GetNextOccurrence(DateTimeOffset.UnixEpoch, _zone);
        for (var i = 0; i < 100 && previous is { } at; i++)
        {
            var next = _cron.GetNextOccurrence(at, _zone);
            if (next is { } n && n - at < shortest)
            {
                shortest = n - at;
            }

            previous = next;
        }

        return shortest;
    }

    /// <summary>
    /// The first slot strictly after <paramref name="after"/>. After downtime this is the next slot from now, never the
    /// missed ones: a monitor runs once when the hub is back, not once per slot it missed.
    /// </summary>
    public DateTimeOffset NextSlotAfter(DateTimeOffset after, Guid monitorId)
    {
        var offset = JitterOf(monitorId);
        if (_every is { } every)
        {
            var periodMs = (long)every.TotalMilliseconds;
            var shiftMs = (long)offset.TotalMilliseconds % periodMs;
            var t = after.ToUnixTimeMilliseconds() - shiftMs;
            var next = (Math.Floor((double)t / periodMs) + 1) * periodMs;
            return DateTimeOffset.FromUnixTimeMilliseconds((long)next + shiftMs);
        }

        // Cron: the occurrence after (after - jitter), shifted by the jitter, is the first shifted slot after `after`.
        var occurrence = _cron!.GetNextOccurrence((after - offset).ToUniversalTime(), _zone)
            ?? throw new InvalidOperationException("The cron expression has no future occurrence.");
        return occurrence + offset;
    }

    /// <summary>This monitor's fixed shift within the jitter window (a hash of its id, so it is the same on every hub and after restarts).</summary>
    public TimeSpan JitterOf(Guid monitorId)
    {
        if (_jitterMax <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(monitorId.ToByteArray(), hash);
        var fraction = BitConverter.ToUInt32(hash) / (double)uint.MaxValue;
        // Whole milliseconds below the window, so an interval's slots never coincide with the next period's.
        return TimeSpan.FromMilliseconds(Math.Floor(fraction * (_jitterMax.TotalMilliseconds - 1)));
    }

    /// <summary>"30s", "5m", "2h", "1d", or ISO 8601; null when it is neither, or not whole seconds.</summary>
    public static TimeSpan? ParseInterval(string text)
    {
        text = text.Trim();
        if (text.Length >= 2 && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 10_000_000)
        {
            TimeSpan? value = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
            if (value is not null)
            {
                return value;
            }
        }

        if (text.StartsWith('P'))
        {
            try
            {
                var iso = XmlConvert.ToTimeSpan(text);
                return iso.Ticks % TimeSpan.TicksPerSecond == 0 ? iso : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
