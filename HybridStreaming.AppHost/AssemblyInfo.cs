using System.Runtime.Versioning;

// The local infrastructure runs Debian's binaries through bash scripts, with setpriv and Unix file
// modes: Linux only (Debian 12 is verified).
[assembly: SupportedOSPlatform("linux")]
