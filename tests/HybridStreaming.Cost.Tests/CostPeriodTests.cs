using FluentAssertions;
using HybridStreaming.Cost.Api.Application;
using Xunit;

namespace HybridStreaming.Cost.Tests;

/// <summary>The reports' period: whole UTC days, yyyy-MM-dd, at most 366 days, errors per field.</summary>
public sealed class CostPeriodTests
{
    private static readonly DateOnly Today = new(2026, 3, 15);

    [Fact]
    public void Without_dates_the_period_is_the_30_days_ending_today()
    {
        var (period, errors) = CostPeriod.Parse(null, " ", Today);

        errors.Should().BeEmpty();
        period.Should().Be(new CostPeriod(new DateOnly(2026, 2, 14), Today));
        period!.Days.Should().Be(30);
    }

    [Fact]
    public void Only_from_runs_to_today_and_only_to_starts_30_days_before_it()
    {
        CostPeriod.Parse("2026-03-01", null, Today).Period.Should().Be(new CostPeriod(new DateOnly(2026, 3, 1), Today));
        CostPeriod.Parse(null, "2026-01-30", Today).Period.Should().Be(new CostPeriod(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 30)));
    }

    [Theory]
    [InlineData("2026-3-1")]
    [InlineData("03/01/2026")]
    [InlineData("2026-02-30")]
    [InlineData("yesterday")]
    public void A_from_not_written_yyyy_MM_dd_is_an_error_on_from(string from)
    {
        var (period, errors) = CostPeriod.Parse(from, "2026-03-10", Today);

        period.Should().BeNull();
        errors.Keys.Should().Equal("from");
        errors["from"].Should().Equal("From must be a date written yyyy-MM-dd.");
    }

    [Fact]
    public void A_bad_to_is_an_error_on_to_and_both_bad_are_two_errors()
    {
        var (period, errors) = CostPeriod.Parse("2026-03-01", "2026-03-32", Today);
        period.Should().BeNull();
        errors.Keys.Should().Equal("to");
        errors["to"].Should().Equal("To must be a date written yyyy-MM-dd.");

        CostPeriod.Parse("x", "y", Today).Errors.Keys.Should().BeEquivalentTo("from", "to");
    }

    [Fact]
    public void A_from_after_to_is_an_error_on_from()
    {
        var (period, errors) = CostPeriod.Parse("2026-03-11", "2026-03-10", Today);

        period.Should().BeNull();
        errors.Keys.Should().Equal("from");
        errors["from"].Should().Equal("From must be on or before to.");
    }

    [Fact]
    public void At_most_366_days_the_range_is_valid_and_beyond_it_is_an_error_on_to()
    {
        var (full, fullErrors) = CostPeriod.Parse("2024-01-01", "2024-12-31", Today);
        fullErrors.Should().BeEmpty();
        full!.Days.Should().Be(366);

        var (period, errors) = CostPeriod.Parse("2024-01-01", "2025-01-01", Today);

        period.Should().BeNull();
        errors.Keys.Should().Equal("to");
        errors["to"].Should().Equal("The range may span at most 366 days.");
    }

    [Fact]
    public void A_single_day_is_a_period_of_one_day()
    {
        var day = CostPeriod.Parse("2026-03-04", "2026-03-04", Today).Period!;

        day.Days.Should().Be(1);
        day.From.Should().Be(new DateOnly(2026, 3, 4));
        day.To.Should().Be(new DateOnly(2026, 3, 4));
    }
}
