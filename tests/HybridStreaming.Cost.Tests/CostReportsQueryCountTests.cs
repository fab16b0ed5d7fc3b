using FluentAssertions;
using HybridStreaming.Cost.Api.Application;
using Xunit;

namespace HybridStreaming.Cost.Tests;

/// <summary>
/// Each report is a fixed number of SQL commands, whatever the number of sessions: counted with an
/// interceptor on the DbContext the reports read through, for 1 session and then 25.
/// </summary>
public sealed class CostReportsQueryCountTests(CostDatabase database) : IClassFixture<CostDatabase>
{
    private static readonly CostPeriod Period = new(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31));

    [Fact]
    public async Task The_reports_send_as_many_commands_for_25_sessions_as_for_1()
    {
        var channel = Guid.NewGuid();
        var first = SessionFacts.HdHybrid("seller-a", channel, new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        await database.TakeAsync(first);

        var one = await CountAsync(first.SessionId, channel, expectedSessions: 1);

        for (var i = 1; i < 25; i++)
        {
            var endedAt = new DateTimeOffset(2026, 3, 2 + (i % 20), 10, 0, 0, TimeSpan.Zero);
            await database.TakeAsync(i % 3 == 0
                ? SessionFacts.HdAgoraOnly("seller-a", channel, endedAt)
                : SessionFacts.HdHybrid("seller-a", channel, endedAt));
        }

        var twentyFive = await CountAsync(first.SessionId, channel, expectedSessions: 25);

        twentyFive.Should().Be(one);
        one.Should().Be(new Counts(Totals: 1, ChannelTotals: 1, Daily: 1, Session: 2, MaySeeChannel: 1));
    }

    private async Task<Counts> CountAsync(Guid sessionId, Guid channel, int expectedSessions)
    {
        var counter = new CommandCounter();
        var options = database.OptionsWith(counter);
        var seller = new CostViewer("seller-a");
        var cancel = TestContext.Current.CancellationToken;

        async Task<int> Count(Func<CostReports, Task> read)
        {
            await using var db = database.NewContext(options);
            var reports = new CostReports(db, CostDatabase.Model);
            counter.Reset();
            await read(reports);
            return counter.Count;
        }

        return new Counts(
            await Count(async r => (await r.TotalsAsync(Period, seller, null, cancel)).Sessions.Should().Be(expectedSessions)),
            await Count(async r => (await r.TotalsAsync(Period, seller, channel, cancel)).Sessions.Should().Be(expectedSessions)),
            await Count(async r => (await r.DailyAsync(Period, seller, cancel)).Days.Sum(d => d.Sessions).Should().Be(expectedSessions)),
            await Count(async r => (await r.SessionAsync(sessionId, seller, cancel))!.Lines.Should().HaveCount(HdHybridPrices.Lines)),
            await Count(async r => (await r.MaySeeChannelAsync(channel, seller, cancel)).Should().BeTrue()));
    }

    private sealed record Counts(int Totals, int ChannelTotals, int Daily, int Session, int MaySeeChannel);
}
