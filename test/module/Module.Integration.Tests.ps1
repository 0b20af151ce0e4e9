#Requires -Modules Pester
# The module end to end against the REAL engine: Get-CMBootMediaImage, -AsJob (result, typed errors,
# progress, Stop-Job mid-write), Get-CMBootMediaStatus from ANOTHER pwsh process (while the operation
# runs and after it finished), and the scheduled-task script pair in test/module/scripts.
#
# A creation slow enough to be caught mid-write needs a larger boot image: BeforeAll captures one
# with wimcapture (300 MB of seeded random data, uncompressed, plus the demo's boot files taken out of
# the demo WIM with wimextract) into a copy of the demo site. Without wimtools those tests skip.
# "While running" is made certain, not likely: the test pauses the engine with SIGSTOP while the other
# process reads the status (the heartbeat tolerates 30 s), then lets it go on with SIGCONT.
# Every operation lands in a state folder of this test's own (CMTSMEDIA_STATE_DIR, inherited by the
# child pwsh processes).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:manifest = Get-TestModuleManifest
    $script:module = Import-Module $script:manifest -Force -PassThru -ErrorAction Stop
    $script:saved = @{ State = $env:CMTSMEDIA_STATE_DIR; Engine = $env:CMTSMEDIA_ENGINE }
    $env:CMTSMEDIA_ENGINE = $null
    $env:CMTSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $script:pwsh = Join-Path $PSHOME 'pwsh'
    if ($IsWindows) { $script:pwsh += '.exe' }
    $script:demo = Join-Path $script:module.ModuleBase 'module/Demo'

    # A copy of the demo site; $Edit changes its catalog (a hashtable from the JSON).
    function New-TestSite([string] $Name, [scriptblock] $Edit) {
        $site = Join-Path $TestDrive $Name
        Copy-Item -LiteralPath $script:demo -Destination $site -Recurse
        if ($Edit) {
            $catalog = Get-Content -LiteralPath (Join-Path $site 'site.json') -Raw | ConvertFrom-Json -AsHashtable
            & $Edit $catalog
            $catalog | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath (Join-Path $site 'site.json')
        }
        Join-Path $site 'site.json'
    }

    # Runs a script in a new pwsh process with the module imported; returns its output lines parsed as JSON.
    function Invoke-OtherProcess([string] $Script) {
        $command = "`$ErrorActionPreference = 'Stop'; Import-Module '{0}'; {1}" -f $script:manifest, $Script
        $output = & $script:pwsh -NoProfile -NonInteractive -Command $command 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join [Environment]::NewLine)
        @($output | Where-Object { "$_" -match '^[\[{]' } | ForEach-Object { "$_" | ConvertFrom-Json })
    }

    function Wait-JobProgress($Job, [string] $StatusLike) {
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while ([datetime]::UtcNow -lt $deadline -and $Job.State -eq 'Running') {
            $hit = @($Job.Progress | Where-Object { $_.StatusDescription -like $StatusLike })
            if ($hit.Count -gt 0) { return $hit[-1] }
            Start-Sleep -Milliseconds 10
        }
        $null
    }

    # Pauses the job's engine (SIGSTOP) while it writes, once its status file shows the write step.
    # The engine rewrites that file on a 2 s heartbeat, so it is paused past one heartbeat, resumed
    # until the file says step 5 (the overdue heartbeat fires at once), and paused again.
    function Suspend-EngineWhileWriting($Job) {
        $null = Wait-JobProgress $Job 'Step 5 of 5*'
        $enginePid = $Job.EngineProcessId
        & kill -STOP $enginePid
        Start-Sleep -Milliseconds 2200
        $file = Join-Path $env:CMTSMEDIA_STATE_DIR ('operations/{0}.json' -f $Job.OperationId)
        & kill -CONT $enginePid
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        do {
            $record = $null
            try { $record = [System.IO.File]::ReadAllText($file) | ConvertFrom-Json } catch { $record = $null }
        } until (($null -ne $record -and $record.step -eq 5) -or [datetime]::UtcNow -gt $deadline)
        & kill -STOP $enginePid
        $enginePid
    }

    # The larger boot image (see the header). Seeded data: the same bytes every run.
    $script:largeSite = $null
    $script:largeSkip = 'wimcapture/wimextract (wimtools) are not installed'
    if ((Get-Command wimcapture -ErrorAction SilentlyContinue) -and (Get-Command wimextract -ErrorAction SilentlyContinue)) {
        $script:largeSite = New-TestSite 'large-site' $null
        $wim = Join-Path (Split-Path $script:largeSite -Parent) 'content/dp01/PS100005/boot.PS100005.wim'
        New-TestLargeBootImage -SourceWim (Join-Path $script:demo 'content/dp01/PS100005/boot.PS100005.wim') -Destination $wim -Scratch (Join-Path $TestDrive 'large-tree')
    }
    $script:missingSite = New-TestSite 'missing-site' { param($c) $c.bootImages[0].path = 'PS100005/gone.wim' }
}

AfterAll {
    Get-Job | Where-Object PSJobTypeName -EQ 'CmTsMediaJob' | Remove-Job -Force
    $env:CMTSMEDIA_STATE_DIR = $script:saved.State
    $env:CMTSMEDIA_ENGINE = $script:saved.Engine
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'Get-CMBootMediaImage' {
    It 'lists the demo boot image with what its WIM says, as a CmTsMedia.BootImage' {
        $images = @(Get-CMBootMediaImage -Demo)
        $images.Count | Should -Be 1
        $image = $images[0]
        $image.PSObject.TypeNames[0] | Should -Be 'CmTsMedia.BootImage'
        $image.PackageID | Should -Be 'PS100005'
        $image.Architecture | Should -Be 'x64'
        $image.ImageName | Should -Be 'CmTsMedia demo boot image (x64)'
        $image.SiteCode | Should -Be 'PS1'
        $image.Problem | Should -BeNullOrEmpty
        $image.SiteCatalog | Should -Be (Join-Path $script:demo 'site.json')
        ($image | Format-Table | Out-String) | Should -Match 'PS100005\s+x64'
    }

    It 'reads architecture and version from the WIM, not from the catalog' {
        if (-not $script:largeSite) { Set-ItResult -Skipped -Because $script:largeSkip; return }
        $image = Get-CMBootMediaImage -SiteCatalog $script:largeSite -BootImageId PS100005
        $image.Version | Should -Be ([version]'10.0.26100.1')
        $image.ImageName | Should -Be 'CmTsMedia test boot image (x64)'
        $image.WimPath | Should -BeLike '*boot.PS100005.wim'
    }

    It 'filters by wildcard, reports a missing ID as MissingPackageException and a missing WIM as Problem' {
        @(Get-CMBootMediaImage -Demo -BootImageId 'ps1*').Count | Should -Be 1
        @(Get-CMBootMediaImage -Demo -BootImageId 'XY*').Count | Should -Be 0
        $err = { Get-CMBootMediaImage -Demo -BootImageId PS100099 -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.MissingPackageException')
        $err.FullyQualifiedErrorId | Should -Be 'CREATETSMEDIA_E_MISSINGPACKAGE,Get-CMBootMediaImage'
        (Get-CMBootMediaImage -SiteCatalog $script:missingSite).Problem | Should -Be 'CREATETSMEDIA_E_MISSINGPACKAGE'
    }

    It 'pipes into New-CMBootMedia by property name (PackageID, SiteCatalog)' {
        $destination = Join-Path $TestDrive 'piped.iso'
        $result = Get-CMBootMediaImage -Demo | New-CMBootMedia -MediaType CD -DestinationPath $destination -WarningAction SilentlyContinue
        $result.BootImageId | Should -Be 'PS100005'
        $result.DestinationPath | Should -Be $destination
        (Get-Item -LiteralPath $destination).Length | Should -Be $result.BytesWritten
    }
}

Describe 'Verbose, warnings and progress of a real creation' {
    It 'writes engine log lines as verbose, warnings as warnings, and rate-limited progress' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($manifest, $destination)
                Import-Module $manifest
                New-CMBootMedia -Demo -MediaType CD -DestinationPath $destination -Verbose
            }).AddArgument($script:manifest).AddArgument((Join-Path $TestDrive 'verbose.iso'))
        $out = $ps.Invoke()
        $ps.Streams.Error.Count | Should -Be 0
        $out[0].PSObject.TypeNames[0] | Should -Be 'CmTsMedia.BootMediaResult'
        ($ps.Streams.Verbose.Message -join "`n") | Should -Match 'ISO image of \d+ bytes'
        ($ps.Streams.Warning.Message -join "`n") | Should -Match 'demo site'
        ($ps.Streams.Warning.Message -join "`n") | Should -Match 'No media password'
        $progress = @($ps.Streams.Progress)
        $progress.Count | Should -BeGreaterOrEqual 5
        $progress.Count | Should -BeLessOrEqual 20 -Because 'progress is rate-limited (step changes, the end, at most every 250 ms)'
        @($progress | Where-Object RecordType -EQ 'Completed').Count | Should -Be 1
        $ps.Dispose()
    }
}

Describe 'New-CMBootMedia -AsJob' {
    It 'Wait-Job then Receive-Job returns the CmTsMedia.BootMediaResult; progress reaches $job.Progress' {
        $destination = Join-Path $TestDrive 'job.iso'
        $job = New-CMBootMedia -Demo -MediaType CD -DestinationPath $destination -AsJob
        try {
            $job.PSJobTypeName | Should -Be 'CmTsMediaJob'
            (Get-Job -Id $job.Id).InstanceId | Should -Be $job.InstanceId
            $null = Wait-Job -Job $job -Timeout 60
            $job.State | Should -Be 'Completed'
            $percents = @($job.Progress | ForEach-Object PercentComplete)
            $percents.Count | Should -BeGreaterOrEqual 5
            ($percents | Select-Object -Unique).Count | Should -BeGreaterThan 1 -Because 'each record keeps its own state'
            $percents[-1] | Should -Be 100
            $result = Receive-Job -Job $job -WarningVariable warnings -WarningAction SilentlyContinue
            $result.PSObject.TypeNames[0] | Should -Be 'CmTsMedia.BootMediaResult'
            $result.OperationId | Should -Be $job.OperationId
            $result.DestinationPath | Should -Be $destination
            (Get-Item -LiteralPath $destination).Length | Should -Be $result.BytesWritten
            ($warnings -join "`n") | Should -Match 'demo site'
            $status = $job | Get-CMBootMediaStatus
            $status.State | Should -Be 'Succeeded'
            $status.Status | Should -Be 0
        }
        finally {
            Remove-Job -Job $job -Force
        }
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'ends Failed and Receive-Job throws the typed exception (MISSINGPACKAGE)' {
        $job = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'no.iso') -BootImageId PS100005 -SiteCatalog $script:missingSite -AsJob
        try {
            $null = Wait-Job -Job $job -Timeout 60
            $job.State | Should -Be 'Failed'
            $err = { Receive-Job -Job $job -ErrorAction Stop } | Should -Throw -PassThru
            $err.Exception | Should -BeOfType ([type]'CmTsMedia.MissingPackageException')
            $err.Exception.HResult | Should -Be 0x80040003
            $err.Exception.ErrorDetail | Should -Be 'PS100005'
            $err.Exception.OperationId | Should -Be $job.OperationId
        }
        finally { Remove-Job -Job $job -Force }
    }

    It 'Stop-Job mid-write cancels the engine and leaves no file' -Skip:$IsWindows {
        if (-not $script:largeSite) { Set-ItResult -Skipped -Because $script:largeSkip; return }
        $folder = Join-Path $TestDrive 'stopped'
        $null = New-Item -ItemType Directory -Path $folder
        $job = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $folder 'large.iso') -BootImageId PS100005 -SiteCatalog $script:largeSite -AsJob
        try {
            $writing = Wait-JobProgress $job 'Step 5 of 5*'
            Stop-Job -Job $job
            $writing | Should -Not -BeNullOrEmpty -Because 'the job must be stopped while it writes'
            $writing.PercentComplete | Should -BeLessThan 100
            $job.State | Should -Be 'Stopped'
            { Get-Process -Id $job.EngineProcessId -ErrorAction Stop } | Should -Throw -ErrorId 'NoProcessFoundForGivenId,Microsoft.PowerShell.Commands.GetProcessCommand' -Because 'the engine has ended'
            @(Get-ChildItem -LiteralPath $folder -Force).Count | Should -Be 0 -Because 'neither the ISO nor its temporary file may remain'
            $status = Get-CMBootMediaStatus -OperationId $job.OperationId
            $status.State | Should -Be 'Canceled'
            $status.ExitCode | Should -Be 0x800704C7
        }
        finally { Remove-Job -Job $job -Force }
    }
}

Describe 'Get-CMBootMediaStatus from another pwsh process' -Skip:$IsWindows {
    It 'reads a running operation, then the finished one, with SDK Status / ExitCode / ErrorDetail' {
        if (-not $script:largeSite) { Set-ItResult -Skipped -Because $script:largeSkip; return }
        # A failed operation of this process, for ExitCode and ErrorDetail.
        $failed = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'fail.iso') -BootImageId PS100005 -SiteCatalog $script:missingSite -AsJob
        $null = Wait-Job -Job $failed -Timeout 60
        $failedId = $failed.OperationId
        Remove-Job -Job $failed -Force

        $destination = Join-Path $TestDrive 'cross.iso'
        $job = New-CMBootMedia -MediaType CD -DestinationPath $destination -BootImageId PS100005 -SiteCatalog $script:largeSite -AsJob
        try {
            $null = Suspend-EngineWhileWriting $job
            try {
                $running = Invoke-OtherProcess ("Get-CMBootMediaStatus -OperationId '{0}', '{1}' | ConvertTo-Json -Compress" -f $job.OperationId, $failedId)
            }
            finally { & kill -CONT $job.EngineProcessId }
            $running.Count | Should -Be 2
            $now = $running | Where-Object OperationId -EQ $job.OperationId
            $fail = $running | Where-Object OperationId -EQ $failedId
            $now.OperationId | Should -Be $job.OperationId
            $now.State | Should -Be 'Running'
            $now.Status | Should -Not -Be 0
            $now.Step | Should -Be 5
            $now.Steps | Should -Be 5
            $now.StepInfo | Should -Be 'Writing the ISO image'
            $now.Percent | Should -BeLessThan 100
            $now.ProcessId | Should -Be $job.EngineProcessId
            $fail.State | Should -Be 'Failed'
            $fail.Status | Should -Be 0
            $fail.ExitCode | Should -Be 0x80040003
            $fail.ErrorCode | Should -Be 'CREATETSMEDIA_E_MISSINGPACKAGE'
            $fail.ErrorDetail | Should -Be 'PS100005'

            # -Wait from the other process: it returns once the operation has finished.
            $script = "Get-CMBootMediaStatus -OperationId '{0}' -Wait -TimeoutSeconds 120 | ConvertTo-Json -Compress; @(Get-CMBootMediaStatus).Count" -f $job.OperationId
            $command = "`$ErrorActionPreference = 'Stop'; Import-Module '{0}'; {1}" -f $script:manifest, $script
            $output = & $script:pwsh -NoProfile -NonInteractive -Command $command 2>&1
            $done = "$($output[0])" | ConvertFrom-Json
            $done.State | Should -Be 'Succeeded'
            $done.Status | Should -Be 0
            $done.ExitCode | Should -Be 0
            $done.Percent | Should -Be 100
            $done.BytesWritten | Should -Be (Get-Item -LiteralPath $destination).Length
            [int]"$($output[-1])" | Should -BeGreaterOrEqual 2 -Because 'without an id it lists all recent operations'
            $null = Wait-Job -Job $job -Timeout 60
            $job.State | Should -Be 'Completed'
        }
        finally { Remove-Job -Job $job -Force }
    }

    It '-Wait -TimeoutSeconds returns the running status when time is up' {
        if (-not $script:largeSite) { Set-ItResult -Skipped -Because $script:largeSkip; return }
        $job = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'timeout.iso') -BootImageId PS100005 -SiteCatalog $script:largeSite -AsJob
        try {
            $null = Wait-JobProgress $job 'Step*'
            & kill -STOP $job.EngineProcessId
            try {
                # The engine is stopped, so only the timeout can end this wait (a hang fails the run).
                $status = $job | Get-CMBootMediaStatus -Wait -TimeoutSeconds 1
            }
            finally { & kill -CONT $job.EngineProcessId }
            $status.State | Should -Be 'Running'
            $status.Status | Should -Not -Be 0
            $final = $job | Get-CMBootMediaStatus -Wait -TimeoutSeconds 120
            $final.State | Should -Be 'Succeeded'
        }
        finally { Remove-Job -Job $job -Force }
    }
}

Describe 'Scheduled-task scripts (two pwsh processes)' {
    BeforeAll {
        $script:scripts = Join-Path $PSScriptRoot 'scripts'
        # Starts A (Start-BootMediaTask) and B (Watch-BootMediaTask) as separate processes; returns both.
        function Invoke-TaskPair([string] $Name, [string[]] $StartArguments) {
            $idFile = Join-Path $TestDrive "$Name.operation"
            $common = @('-NoProfile', '-NonInteractive', '-File')
            $a = Start-Process -FilePath $script:pwsh -PassThru -RedirectStandardOutput (Join-Path $TestDrive "$Name-a.txt") -RedirectStandardError (Join-Path $TestDrive "$Name-a.err") -ArgumentList (
                $common + @((Join-Path $script:scripts 'Start-BootMediaTask.ps1'), '-ModulePath', $script:manifest, '-OperationIdPath', $idFile) + $StartArguments)
            $b = Start-Process -FilePath $script:pwsh -PassThru -RedirectStandardOutput (Join-Path $TestDrive "$Name-b.txt") -RedirectStandardError (Join-Path $TestDrive "$Name-b.err") -ArgumentList (
                $common + @((Join-Path $script:scripts 'Watch-BootMediaTask.ps1'), '-ModulePath', $script:manifest, '-OperationIdPath', $idFile, '-PollSeconds', '1', '-TimeoutSeconds', '120'))
            foreach ($p in $a, $b) { $p.WaitForExit(180000) | Should -BeTrue }
            [pscustomobject]@{
                A = $a.ExitCode; AOut = (Get-Content -Raw (Join-Path $TestDrive "$Name-a.txt")) + (Get-Content -Raw (Join-Path $TestDrive "$Name-a.err"))
                B = $b.ExitCode; BOut = (Get-Content -Raw (Join-Path $TestDrive "$Name-b.txt")) + (Get-Content -Raw (Join-Path $TestDrive "$Name-b.err"))
                Id = (Get-Content -Raw $idFile).Trim()
            }
        }
    }

    It 'the watcher exits 0 when the creation succeeds' {
        $iso = Join-Path $TestDrive 'task.iso'
        $run = Invoke-TaskPair 'ok' @('-Demo', '-DestinationPath', $iso)
        $run.A | Should -Be 0 -Because $run.AOut
        $run.B | Should -Be 0 -Because $run.BOut
        $run.BOut | Should -Match ('Operation {0}: Succeeded, ExitCode 0x00000000' -f $run.Id)
        Test-Path -LiteralPath $iso | Should -BeTrue
    }

    It 'the watcher exits 1 and prints the HRESULT when the creation fails' {
        $run = Invoke-TaskPair 'fail' @('-SiteCatalog', $script:missingSite, '-BootImageId', 'PS100005', '-DestinationPath', (Join-Path $TestDrive 'task-fail.iso'))
        $run.A | Should -Be 1 -Because $run.AOut
        $run.AOut | Should -Match '0x80040003'
        $run.B | Should -Be 1 -Because $run.BOut
        $run.BOut | Should -Match ('Operation {0}: Failed, ExitCode 0x80040003 CREATETSMEDIA_E_MISSINGPACKAGE PS100005' -f $run.Id)
    }
}
