// CmTsMedia.EngineProcess: the module's client for the engine executable (docs/protocol.md).
// Compiled by Add-Type at module import, so it is written in the C# 5 subset that Windows
// PowerShell 5.1 (CodeDom) compiles: no string interpolation, no ?., no nameof, no expression bodies.
//
// Why C# and not PowerShell: stdout and stderr must be read concurrently (a full stderr pipe would
// block the engine), and event handlers on Process.OutputDataReceived would run PowerShell script on a
// thread without a runspace and crash the host (PowerShell/PowerShell#11658). Reader threads here only
// queue lines; the PowerShell side polls ReadLine with a timeout so Ctrl+C is observed between polls.
namespace CmTsMedia
{
    using System;
    using System.Collections.Concurrent;
    using System.Collections.Generic;
    using System.Diagnostics;
    using System.IO;
    using System.Text;
    using System.Threading;

    public sealed class EngineProcess : IDisposable
    {
        private static readonly UTF8Encoding Utf8NoBom = new UTF8Encoding(false);
        private const int StderrLinesKept = 50;

        private readonly Process process;
        private readonly BlockingCollection<string> stdoutLines = new BlockingCollection<string>();
        private readonly Queue<string> stderrTail = new Queue<string>();
        private readonly Thread stdoutReader;
        private readonly Thread stderrReader;
        private readonly object inputLock = new object();
        private bool inputClosed;

        private EngineProcess(Process process)
        {
            this.process = process;
            stdoutReader = new Thread(ReadStdout);
            stdoutReader.IsBackground = true;
            stdoutReader.Name = "CmTsMedia engine stdout";
            stderrReader = new Thread(ReadStderr);
            stderrReader.IsBackground = true;
            stderrReader.Name = "CmTsMedia engine stderr";
            stdoutReader.Start();
            stderrReader.Start();
        }

        /// <summary>
        /// Starts the engine with no arguments (no user data ever goes on argv) and without any NODE_*
        /// variable in its environment (NODE_OPTIONS could inject code into a Node-based engine).
        /// Throws Win32Exception/IOException when the file is missing or not executable.
        /// </summary>
        public static EngineProcess Start(string path, string workingDirectory)
        {
            ProcessStartInfo info = new ProcessStartInfo(path);
            info.UseShellExecute = false;
            info.CreateNoWindow = true;
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.StandardOutputEncoding = Utf8NoBom;
            info.StandardErrorEncoding = Utf8NoBom;
            // Scheduled tasks start in System32; the engine must not depend on the caller's folder.
            info.WorkingDirectory = workingDirectory;
            List<string> nodeVariables = new List<string>();
            foreach (string key in info.EnvironmentVariables.Keys)
            {
                if (key.StartsWith("NODE_", StringComparison.OrdinalIgnoreCase)) nodeVariables.Add(key);
            }
            foreach (string key in nodeVariables) info.EnvironmentVariables.Remove(key);

            Process process = new Process();
            process.StartInfo = info;
            process.Start();
            return new EngineProcess(process);
        }

        public int Id { get { return process.Id; } }

        public bool HasExited { get { return process.HasExited; } }

        public int ExitCode { get { return process.ExitCode; } }

        /// <summary>
        /// Writes one protocol line. The bytes go straight to the pipe as UTF-8 without BOM:
        /// on .NET Framework the StandardInput writer would use the console encoding and may emit a BOM.
        /// </summary>
        public void Send(string jsonLine)
        {
            byte[] bytes = Utf8NoBom.GetBytes(jsonLine + "\n");
            lock (inputLock)
            {
                if (inputClosed) throw new InvalidOperationException("The engine's input is already closed.");
                Stream stdin = process.StandardInput.BaseStream;
                stdin.Write(bytes, 0, bytes.Length);
                stdin.Flush();
            }
        }

        /// <summary>
        /// Waits up to timeoutMilliseconds for the next stdout line.
        /// Returns 1 with a line, 0 on timeout, -1 when stdout has ended (line is null).
        /// </summary>
        public int ReadLine(out string line, int timeoutMilliseconds)
        {
            if (stdoutLines.TryTake(out line, timeoutMilliseconds)) return 1;
            line = null;
            return stdoutLines.IsCompleted ? -1 : 0;
        }

        /// <summary>The last stderr lines (diagnostics), oldest first, and forgets them.</summary>
        public string[] TakeStderr()
        {
            // Once stdout has ended the engine is exiting: let the reader take its last stderr lines
            // (they are what explains a crash) before answering.
            if (stdoutLines.IsCompleted) stderrReader.Join(1000);
            lock (stderrTail)
            {
                string[] lines = stderrTail.ToArray();
                stderrTail.Clear();
                return lines;
            }
        }

        /// <summary>
        /// Ends the engine: optionally sends a last line (a cancel request), closes stdin (EOF cancels every
        /// running request, docs/protocol.md), waits up to waitMilliseconds, then kills it.
        /// Returns true when the engine exited by itself.
        /// </summary>
        public bool Shutdown(string lastLine, int waitMilliseconds)
        {
            try
            {
                // PowerShell passes $null for a string argument as "": neither is a line to send.
                if (!process.HasExited && !string.IsNullOrEmpty(lastLine)) Send(lastLine);
            }
            catch (IOException) { }
            catch (InvalidOperationException) { }
            CloseInput();
            if (process.WaitForExit(waitMilliseconds))
            {
                // The parameterless overload also waits for the redirected streams to reach EOF.
                process.WaitForExit();
                return true;
            }
            try { process.Kill(); }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
            process.WaitForExit(5000);
            return false;
        }

        public void CloseInput()
        {
            lock (inputLock)
            {
                if (inputClosed) return;
                inputClosed = true;
                try { process.StandardInput.Close(); }
                catch (IOException) { }
            }
        }

        public void Dispose()
        {
            if (!process.HasExited) Shutdown(null, 0);
            process.Dispose();
        }

        private void ReadStdout()
        {
            try
            {
                string line;
                while ((line = process.StandardOutput.ReadLine()) != null) stdoutLines.Add(line);
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
            finally { stdoutLines.CompleteAdding(); }
        }

        private void ReadStderr()
        {
            try
            {
                string line;
                while ((line = process.StandardError.ReadLine()) != null)
                {
                    lock (stderrTail)
                    {
                        stderrTail.Enqueue(line);
                        while (stderrTail.Count > StderrLinesKept) stderrTail.Dequeue();
                    }
                }
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
        }
    }
}
