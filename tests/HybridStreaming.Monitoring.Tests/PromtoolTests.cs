using FluentAssertions;
using Xunit;

namespace HybridStreaming.Monitoring.Tests;

/// <summary>promtool's own checks and the rules' unit tests (deploy/monitoring/tests), as a deployment would run them.</summary>
public sealed class PromtoolTests
{
    [Fact]
    public async Task Alert_rules_pass_promtool_check_rules()
    {
        var result = await Promtool.RunAsync(MonitoringFiles.RepositoryRoot, ["check", "rules", "deploy/monitoring/alerts.yml"],
            TestContext.Current.CancellationToken);

        result.ExitCode.Should().Be(0, "promtool check rules must accept alerts.yml:\n{0}", result.Output);
    }

    [Fact]
    public async Task Alert_rule_unit_tests_pass()
    {
        MonitoringFiles.RuleTests.Should().NotBeEmpty("deploy/monitoring/tests holds the rules' unit tests");

        var result = await Promtool.RunAsync(MonitoringFiles.RepositoryRoot,
            ["test", "rules", .. MonitoringFiles.RuleTests.Select(file => Path.GetRelativePath(MonitoringFiles.RepositoryRoot, file))],
            TestContext.Current.CancellationToken);

        result.ExitCode.Should().Be(0, "every promtool rule test must pass:\n{0}", result.Output);
        result.Output.Should().NotContain("FAILED");
    }

    [Fact]
    public async Task Scrape_configuration_passes_promtool_check_config()
    {
        var result = await Promtool.RunAsync(MonitoringFiles.RepositoryRoot, ["check", "config", "deploy/monitoring/prometheus.yml"],
            TestContext.Current.CancellationToken);

        result.ExitCode.Should().Be(0, "promtool check config must accept prometheus.yml and the rules it loads:\n{0}", result.Output);
        result.Output.Should().Contain("1 rule files found", "prometheus.yml loads alerts.yml");
    }

    /// <summary>
    /// A wrong expression fails the suite: a copy of the rules with one change, which the unit tests (or promtool's
    /// check) must reject. Each case runs only the test file that covers the changed rule.
    /// </summary>
    [Theory]
    [InlineData("hybridstreaming_sessions_stuck", "hybridstreaming_session_stuck", "streaming.yml", "HybridStreamingSessionsStuck")]
    [InlineData("job:http_server_request_errors:ratio_rate5m{job=\"gateway\"} > 0.01", "job:http_server_request_errors:ratio_rate5m{job=\"gateway\"} > 0.001",
        "gateway.yml", "HybridStreamingGatewayHighErrorRate")]
    [InlineData("max by (job) (hybridstreaming_outbox_oldest_age_seconds) > 120", "sum by (job) (hybridstreaming_outbox_oldest_age_seconds) > 120",
        "messaging.yml", "HybridStreamingOutboxMessagesStale")]
    [InlineData("(sum(rate(hybridstreaming_viewer_heartbeats_total[5m])) or vector(0)) == 0", "sum(rate(hybridstreaming_viewer_heartbeats_total[5m])) == 0",
        "streaming.yml", "HybridStreamingViewerHeartbeatsStopped")]
    public async Task A_changed_expression_fails_the_rule_tests(string original, string changed, string testFile, string failingAlert)
    {
        var copy = CopyMonitoringDirectory(original, changed);
        try
        {
            var result = await Promtool.RunAsync(copy, ["test", "rules", Path.Combine("tests", testFile)], TestContext.Current.CancellationToken);

            result.ExitCode.Should().NotBe(0, "the rule tests must catch '{0}' changed to '{1}':\n{2}", original, changed, result.Output);
            result.Output.Should().Contain($"alertname: {failingAlert}", "the failure names the alert whose expected firing changed");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_promql_fails_promtool_check_rules()
    {
        var copy = CopyMonitoringDirectory("max by (state) (hybridstreaming_sessions_stuck) > 0", "max by (state) (hybridstreaming_sessions_stuck > 0");
        try
        {
            var check = await Promtool.RunAsync(copy, ["check", "rules", "alerts.yml"], TestContext.Current.CancellationToken);
            var tests = await Promtool.RunAsync(copy, ["test", "rules", Path.Combine("tests", "messaging.yml")], TestContext.Current.CancellationToken);

            check.ExitCode.Should().NotBe(0, "an unbalanced parenthesis is no PromQL:\n{0}", check.Output);
            check.Output.Should().Contain("HybridStreamingSessionsStuck", "the failure names the broken rule");
            tests.ExitCode.Should().NotBe(0, "no unit test can pass against a rule file that does not load:\n{0}", tests.Output);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>deploy/monitoring copied to a temporary folder (the tests load <c>../alerts.yml</c>), with one change in alerts.yml.</summary>
    private static string CopyMonitoringDirectory(string original, string changed)
    {
        var copy = Directory.CreateTempSubdirectory("hybridstreaming-monitoring-").FullName;
        Directory.CreateDirectory(Path.Combine(copy, "tests"));
        foreach (var test in MonitoringFiles.RuleTests)
        {
            File.Copy(test, Path.Combine(copy, "tests", Path.GetFileName(test)));
        }

        var rules = File.ReadAllText(MonitoringFiles.Alerts);
        rules.Should().Contain(original, "the change has to apply to the real rule file, or the test proves nothing");
        File.WriteAllText(Path.Combine(copy, "alerts.yml"), rules.Replace(original, changed, StringComparison.Ordinal));
        return copy;
    }
}
