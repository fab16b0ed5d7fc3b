using System.Runtime.Versioning;

// Process supervision uses /proc, POSIX signals and setsid/setpriv: Linux only (Debian 12 is verified).
[assembly: SupportedOSPlatform("linux")]
