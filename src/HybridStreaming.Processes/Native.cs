using System.Runtime.InteropServices;

namespace HybridStreaming.Processes;

/// <summary>The few POSIX calls process supervision needs and .NET does not expose.</summary>
public static partial class Native
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    private const int WNOHANG = 1;
    private const int PR_SET_CHILD_SUBREAPER = 36;

    public static bool IsRoot => geteuid() == 0;

    /// <summary>Sends <paramref name="signal"/>; a negative pid addresses the whole process group.</summary>
    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>
    /// Makes this process the reaper of orphaned descendants (daemons that double-fork, children left
    /// when their parent dies), instead of PID 1 — which on these machines reaps late, leaving zombies.
    /// </summary>
    public static bool BecomeChildSubreaper() => prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;

    /// <summary>Collects the exit status of a dead child that nobody else waits for.</summary>
    public static bool TryReap(int pid) => waitpid(pid, out _, WNOHANG) == pid;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, out int status, int options);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
