using SmtpProbeHub.Api.Monitors;
using SmtpProbeHub.Api.Monitors.Scheduling;

namespace SmtpProbeHub.Api.Tests.Monitors;

public sealed class MonitorScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_SlotsAreOneIntervalApartAndShiftedByAFixedJitterBelowTheInterval()
    {
        var schedule = MonitorSchedule.From(new ScheduleRequest { Every = "1m" });
        var id = Guid.NewGuid();

        var first = schedule.NextSlotAfter(T0, id);
        var second = schedule.NextSlotAfter(first, id);

        Assert.Equal(TimeSpan.FromMinutes(1), second - first);
        Assert.InRange(first - T0, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.True(first > T0);
        Assert.Equal(schedule.JitterOf(id), TimeSpan.FromMilliseconds(first.ToUnixTimeMilliseconds() % 60_000));
        Assert.Equal(first, MonitorSchedule.From(new ScheduleRequest { Every = "PT1M" }).NextSlotAfter(T0, id));
    }

    [Fact]
    public void Every_ManyMonitorsOnOneInterval_AreSpreadOverIt()
    {
        var schedule = MonitorSchedule.From(new ScheduleRequest { Every = "1m" });

        var seconds = Enumerable.Range(0, 600).Select(_ => schedule.NextSlotAfter(T0, Guid.NewGuid()).Second).ToList();

        // 600 monitors over 60 seconds: every second of the minute is used, none by more than a handful.
        Assert.Equal(60, seconds.Distinct().Count());
        Assert.True(seconds.GroupBy(s => s).Max(g => g.Count()) < 30);
    }

    [Fact]
    public void AfterDowntime_TheNextSlotIsTheFirstAfterNow_NotTheMissedOnes()
    {
        var schedule = MonitorSchedule.From(new ScheduleRequest { Every = "1m", JitterSeconds = 0 });
        var id = Guid.NewGuid();

        var next = schedule.NextSlotAfter(T0.AddHours(3).AddSeconds(10), id);

        Assert.Equal(T0.AddHours(3).AddMinutes(1), next);
    }

    [Fact]
    public void Cron_IsReadInItsTimeZone()
    {
        var schedule = MonitorSchedule.From(new ScheduleRequest { Cron = "0 9 * * *", TimeZone = "Europe/Berlin", JitterSeconds = 0 });

        // January: Berlin is UTC+1, so 09:00 there is 08:00 UTC; 10:00 UTC is past it, so tomorrow's.
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 8, 0, 0, TimeSpan.Zero), schedule.NextSlotAfter(T0, Guid.NewGuid()));
        // July: UTC+2.
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 7, 0, 0, TimeSpan.Zero), schedule.NextSlotAfter(new DateTimeOffset(2026, 7, 1, 6, 0, 0, TimeSpan.Zero), Guid.NewGuid()));
    }

    [Fact]
    public void Cron_WithJitter_StaysWithinTheJitterAfterTheOccurrence()
    {
        var schedule = MonitorSchedule.From(new ScheduleRequest { Cron = "*/5 * * * *", JitterSeconds = 10 });
        var id = Guid.NewGuid();

        var slot = schedule.NextSlotAfter(T0, id);

        // T0 is itself an occurrence: its shifted slot is still ahead.
        Assert.InRange(slot - T0, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(10));
        Assert.Equal(slot.AddMinutes(5), schedule.NextSlotAfter(slot, id));
    }

    [Theory]
    [InlineData(null, null, null, "schedule")]
    [InlineData("1m", "* * * * *", null, "schedule")]
    [InlineData("0s", null, null, "schedule.every")]
    [InlineData("8d", null, null, "schedule.every")]
    [InlineData("1.5s", null, null, "schedule.every")]
    [InlineData("soon", null, null, "schedule.every")]
    [InlineData("1m", null, "UTC", "schedule.timeZone")]
    [InlineData(null, "61 * * * *", null, "schedule.cron")]
    [InlineData(null, "* * * * *", "Mars/Olympus", "schedule.timeZone")]
    public void Unusable_IsNamedByItsField(string? every, string? cron, string? zone, string field)
    {
        var errors = new List<(string Field, string Message)>();

        var schedule = MonitorSchedule.TryCreate(new ScheduleRequest { Every = every, Cron = cron, TimeZone = zone }, errors);

        Assert.Null(schedule);
        Assert.Equal(field, Assert.Single(errors).Field);
    }
}
