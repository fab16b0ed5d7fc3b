namespace HybridStreaming.Processes;

/// <summary>Where the output lines of supervised processes go.</summary>
public interface IProcessOutput
{
    void Write(string source, string line, bool isError);
}
