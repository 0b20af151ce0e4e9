// CmTsMedia.BootMediaJob: the job New-CMBootMedia -AsJob returns (C# 5 subset, see EngineProcess.cs).
// It runs New-CMBootMedia itself in a private runspace of this process, so the job's streams carry the
// same typed exceptions, progress records and result objects as a synchronous call, and it lives in the
// session's job repository: Get-Job, Wait-Job, Receive-Job, Stop-Job and Remove-Job work on it.
// Stop-Job stops that pipeline; New-CMBootMedia's finally then cancels the engine request, and the
// engine removes its partial output before it exits.
namespace CmTsMedia
{
    using System;
    using System.Collections;
    using System.Management.Automation;
    using System.Management.Automation.Runspaces;

    public sealed class BootMediaJob : Job
    {
        // The caller has already resolved paths and confirmed (ShouldProcess) before the job exists.
        private const string Script =
            "param($ManifestPath, $Parameters)\n" +
            "Import-Module -Name $ManifestPath -ErrorAction Stop\n" +
            "try { New-CMBootMedia @Parameters }\n" +
            "finally { Remove-Module -Name CmTsMedia -Force }\n";

        private readonly Runspace runspace;
        private readonly PowerShell powershell;
        private string statusMessage = string.Empty;

        public BootMediaJob(string command, string name, string manifestPath, IDictionary parameters)
            : base(command, name)
        {
            PSJobTypeName = "CmTsMediaJob";
            runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            powershell = PowerShell.Create();
            powershell.Runspace = runspace;
            powershell.AddScript(Script).AddArgument(manifestPath).AddArgument(parameters);
            powershell.Streams.Error = Error;
            powershell.Streams.Progress = Progress;
            powershell.Streams.Verbose = Verbose;
            powershell.Streams.Warning = Warning;
            powershell.Streams.Debug = Debug;
            powershell.Streams.Information = Information;
            Progress.DataAdded += OnProgressAdded;
            powershell.InvocationStateChanged += OnInvocationStateChanged;
        }

        /// <summary>The engine's operation id, known once the engine has started the creation.</summary>
        public string OperationId { get; set; }

        /// <summary>The process id of the engine doing the work (0 until it runs).</summary>
        public int EngineProcessId { get; set; }

        public override string StatusMessage { get { return statusMessage; } }

        public override string Location { get { return Environment.MachineName; } }

        public override bool HasMoreData
        {
            get
            {
                return Output.Count > 0 || Error.Count > 0 || Progress.Count > 0 || Verbose.Count > 0 ||
                    Warning.Count > 0 || Debug.Count > 0 || Information.Count > 0;
            }
        }

        public void StartJob()
        {
            runspace.Open();
            // New-CMBootMedia reads this variable to report the operation id and to skip prompting.
            runspace.SessionStateProxy.SetVariable("CmTsMediaCurrentJob", this);
            SetJobState(JobState.Running);
            powershell.BeginInvoke<PSObject, PSObject>(null, Output);
        }

        public override void StopJob()
        {
            // Synchronous: returns after the pipeline's finally blocks (engine cancel and cleanup) ran.
            powershell.Stop();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                powershell.Dispose();
                runspace.Dispose();
            }
            base.Dispose(disposing);
        }

        private void OnProgressAdded(object sender, DataAddedEventArgs e)
        {
            ProgressRecord record = Progress[e.Index];
            if (record != null && record.StatusDescription != null) statusMessage = record.StatusDescription;
        }

        private void OnInvocationStateChanged(object sender, PSInvocationStateChangedEventArgs e)
        {
            switch (e.InvocationStateInfo.State)
            {
                case PSInvocationState.Completed:
                    // Failed without a reason: the typed error is already in Error, and a reason would make
                    // Receive-Job write a second, untyped record.
                    SetJobState(Error.Count > 0 ? JobState.Failed : JobState.Completed);
                    break;
                case PSInvocationState.Stopped:
                    SetJobState(JobState.Stopped);
                    break;
                case PSInvocationState.Failed:
                    // A script-terminating failure (e.g. the module did not import): keep it as an error.
                    Exception reason = e.InvocationStateInfo.Reason;
                    if (reason != null) Error.Add(new ErrorRecord(reason, "CmTsMediaJobFailed", ErrorCategory.NotSpecified, null));
                    SetJobState(JobState.Failed);
                    break;
            }
        }
    }
}
