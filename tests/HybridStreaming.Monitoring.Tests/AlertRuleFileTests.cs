using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace HybridStreaming.Monitoring.Tests;

/// <summary>
/// What promtool does not check: every alert carries what on-call needs (severity, summary, description, a runbook
/// section that exists), and the unit tests show every alert both firing and staying silent.
/// </summary>
public sealed partial class AlertRuleFileTests
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    private static readonly string[] Severities = ["critical", "warning"];

    [Fact]
    public void The_rule_file_has_the_alerts_the_platform_needs()
    {
        Alerts().Select(alert => alert.Alert).Should().Contain(
        [
            "HybridStreamingGatewayHighErrorRate", "HybridStreamingGatewayHighLatency", "HybridStreamingHighFallbackRate",
            "HybridStreamingProviderCircuitOpen", "HybridStreamingOutboxBacklogGrowing", "HybridStreamingOutboxMessagesStale",
            "HybridStreamingSessionsStuck", "HybridStreamingViewerHeartbeatsStopped", "HybridStreamingErrorBudgetBurnFast",
            "HybridStreamingErrorBudgetBurnMedium", "HybridStreamingErrorBudgetBurnSlow",
        ]);
        Alerts().Select(alert => alert.Alert).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Every_alert_has_a_severity_a_summary_a_description_a_runbook_url_and_a_for_duration()
    {
        var problems = new List<string>();
        foreach (var alert in Alerts())
        {
            if (!Severities.Contains(alert.Labels.GetValueOrDefault("severity")))
            {
                problems.Add($"{alert.Alert}: label severity is '{alert.Labels.GetValueOrDefault("severity")}', not one of {string.Join(", ", Severities)}");
            }

            foreach (var annotation in new[] { "summary", "description", "runbook_url" })
            {
                if (string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault(annotation)))
                {
                    problems.Add($"{alert.Alert}: annotation {annotation} is missing or empty");
                }
            }

            if (string.IsNullOrWhiteSpace(alert.For))
            {
                problems.Add($"{alert.Alert}: no for: duration (a single bad evaluation would notify)");
            }
        }

        problems.Should().BeEmpty();
    }

    [Fact]
    public void Every_alert_is_expected_to_fire_in_a_test_and_to_stay_silent_in_another()
    {
        var checks = RuleTests().SelectMany(file => file.Tests).SelectMany(test => test.AlertRuleTest).ToList();
        var fired = checks.Where(check => check.ExpAlerts.Count > 0).Select(check => check.Alertname).ToHashSet();
        var silent = checks.Where(check => check.ExpAlerts.Count == 0).Select(check => check.Alertname).ToHashSet();

        var alerts = Alerts().Select(alert => alert.Alert!).ToList();
        alerts.Where(alert => !fired.Contains(alert)).Should().BeEmpty("every alert needs a test whose exp_alerts expects it to fire");
        alerts.Where(alert => !silent.Contains(alert)).Should().BeEmpty("every alert needs a test showing it stays silent (exp_alerts: [])");
        checks.Select(check => check.Alertname).Where(name => !alerts.Contains(name)).Should()
            .BeEmpty("a test of an alert that does not exist passes whatever the rules say");
    }

    [Fact]
    public void Every_runbook_url_points_to_a_section_of_the_runbook()
    {
        var anchors = GitHubAnchors(File.ReadAllLines(MonitoringFiles.Runbook));

        var broken = Alerts()
            .Select(alert => (alert.Alert, Url: alert.Annotations.GetValueOrDefault("runbook_url") ?? ""))
            .Where(link => !link.Url.StartsWith("docs/runbook.md#", StringComparison.Ordinal)
                || !anchors.Contains(link.Url["docs/runbook.md#".Length..]))
            .Select(link => $"{link.Alert}: {link.Url}");

        broken.Should().BeEmpty("each runbook_url is docs/runbook.md#<anchor> of a heading there; the runbook's anchors are {0}",
            string.Join(", ", anchors.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void GitHub_anchors_are_computed_as_GitHub_does()
    {
        GitHubAnchors(["# Runbook — operating HybridStreaming", "## Alert: HybridStreamingSessionsStuck", "### Rollback plan",
                "### Rollback plan", "```", "# not a heading", "```", "## `HYBRID_ENABLED` (the switch)"])
            .Should().BeEquivalentTo("runbook--operating-hybridstreaming", "alert-hybridstreamingsessionsstuck", "rollback-plan",
                "rollback-plan-1", "hybrid_enabled-the-switch");
    }

    /// <summary>The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered.</summary>
    private static HashSet<string> GitHubAnchors(IEnumerable<string> lines)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var inFence = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            var heading = HeadingPattern().Match(line);
            if (inFence || !heading.Success)
            {
                continue;
            }

            var slug = NotInAnchorPattern().Replace(heading.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-');
            var anchor = slug;
            for (var n = 1; !anchors.Add(anchor); n++)
            {
                anchor = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    [GeneratedRegex(@"^#{1,6}\s+(.+)$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"[^\p{L}\p{Nd}\p{Mn}\p{Pc} -]")]
    private static partial Regex NotInAnchorPattern();

    private static List<AlertingRule> Alerts() =>
        [.. Yaml.Deserialize<RuleFile>(File.ReadAllText(MonitoringFiles.Alerts)).Groups.SelectMany(group => group.Rules).Where(rule => rule.Alert is not null)];

    private static List<RuleTestFile> RuleTests() =>
        [.. MonitoringFiles.RuleTests.Select(file => Yaml.Deserialize<RuleTestFile>(File.ReadAllText(file)))];

    private sealed class RuleFile
    {
        public List<RuleGroup> Groups { get; set; } = [];
    }

    private sealed class RuleGroup
    {
        public List<AlertingRule> Rules { get; set; } = [];
    }

    private sealed class AlertingRule
    {
        public string? Alert { get; set; }

        public string? For { get; set; }

        public Dictionary<string, string> Labels { get; set; } = [];

        public Dictionary<string, string> Annotations { get; set; } = [];
    }

    private sealed class RuleTestFile
    {
        public List<RuleTest> Tests { get; set; } = [];
    }

    private sealed class RuleTest
    {
        public List<AlertRuleTest> AlertRuleTest { get; set; } = [];
    }

    private sealed class AlertRuleTest
    {
        public string Alertname { get; set; } = "";

        public List<object> ExpAlerts { get; set; } = [];
    }
}
