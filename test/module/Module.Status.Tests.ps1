#Requires -Modules Pester
# Status housekeeping (docs/module.md "Status housekeeping") through the real engine: Remove-CMBootMediaStatus by id, by age, from
# the pipeline and with -WhatIf; a running operation is never removed; times are local for display
# with UTC kept beside them. Operations are real creations of the demo site; the "older" and the
# "running" ones are real status files edited the way time and a live engine process would change them.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    Import-Module (Get-TestModuleManifest) -Force -ErrorAction Stop
    Set-TestEnvironment -StateDir (Join-Path $TestDrive 'state')
    $script:operations = Join-Path $env:CMTSMEDIA_STATE_DIR 'operations'

    function New-TestOperation([string] $BootImageId = 'PS100005') {
        $destination = Join-Path $TestDrive ('{0}.iso' -f [guid]::NewGuid())
        $result = New-CMBootMedia -Demo -BootImageId $BootImageId -MediaType CD -DestinationPath $destination -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable failed
        if ($result) { return $result.OperationId }
        $failed[0].Exception.OperationId
    }

    # Rewrites fields of an operation's status file (its JSON as the engine writes it).
    function Set-TestStatusFile([string] $OperationId, [hashtable] $Fields, [string] $NewId) {
        $path = Join-Path $script:operations "$OperationId.json"
        $record = Get-Content -LiteralPath $path -Raw | ConvertFrom-Json -AsHashtable -DateKind String
        foreach ($key in $Fields.Keys) { $record[$key] = $Fields[$key] }
        if ($NewId) { $record['operationId'] = $NewId; $path = Join-Path $script:operations "$NewId.json" }
        $record | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $path
    }

    # A running operation: a status file whose process (this pwsh, named by its pid and its start time
    # as the engine records them: field 22 of /proc/<pid>/stat) is alive and whose heartbeat is now.
    function New-TestRunningOperation([string] $From) {
        $id = [guid]::NewGuid().ToString()
        $now = [datetime]::UtcNow.ToString('o')
        $started = $null
        if (Test-Path -LiteralPath "/proc/$PID/stat") {
            $stat = Get-Content -LiteralPath "/proc/$PID/stat" -Raw
            $started = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')[19]
        }
        Set-TestStatusFile -OperationId $From -NewId $id -Fields @{ state = 'Running'; pid = $PID; processStartTime = $started; updatedAt = $now; endedAt = $null; percent = 40 }
        $id
    }

    function Get-TestOperationIds { @(Get-ChildItem -LiteralPath $script:operations -Filter '*.json' | ForEach-Object BaseName | Sort-Object) }
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'Remove-CMBootMediaStatus' {
    BeforeEach {
        Get-ChildItem -LiteralPath $script:operations -ErrorAction SilentlyContinue | Remove-Item -Force
        $script:succeeded = New-TestOperation
        $script:failed = New-TestOperation -BootImageId PS100099
        $script:running = New-TestRunningOperation -From $script:succeeded
    }

    It 'removes every finished operation and never a running one' {
        Remove-CMBootMediaStatus
        Get-TestOperationIds | Should -Be @($script:running)
    }

    It 'with -OperationId of a running operation writes a typed error and keeps it' {
        $err = { Remove-CMBootMediaStatus -OperationId $script:running, $script:failed -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.InvalidArgumentException')
        $err.Exception.Message | Should -Match "operation $($script:running) is still running; only finished operations can be removed"
        $err.TargetObject | Should -Be $script:running
        Remove-CMBootMediaStatus -OperationId $script:running, $script:failed -ErrorAction SilentlyContinue -ErrorVariable errors
        $errors.Count | Should -Be 1
        Get-TestOperationIds | Should -Be (@($script:running, $script:succeeded) | Sort-Object)
    }

    It 'reports an unknown id as OperationNotFoundException' {
        $unknown = [guid]::NewGuid().ToString()
        $err = { Remove-CMBootMediaStatus -OperationId $unknown -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.OperationNotFoundException')
        $err.FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_OPERATIONNOTFOUND,Remove-CMBootMediaStatus'
    }

    It 'with -OlderThan removes only operations that ended longer ago' {
        Set-TestStatusFile -OperationId $script:failed -Fields @{ endedAt = [datetime]::UtcNow.AddDays(-10).ToString('o') }
        Remove-CMBootMediaStatus -OlderThan (New-TimeSpan -Days 7)
        Get-TestOperationIds | Should -Be (@($script:running, $script:succeeded) | Sort-Object)
    }

    It 'takes operations from Get-CMBootMediaStatus by property name, and -WhatIf removes nothing' {
        $before = Get-TestOperationIds
        Get-CMBootMediaStatus | Where-Object State -EQ 'Failed' | Remove-CMBootMediaStatus -WhatIf
        Get-TestOperationIds | Should -Be $before
        Get-CMBootMediaStatus | Where-Object State -EQ 'Failed' | Remove-CMBootMediaStatus
        Get-TestOperationIds | Should -Be (@($script:running, $script:succeeded) | Sort-Object)
    }

    It 'supports ShouldProcess' {
        $command = Get-Command Remove-CMBootMediaStatus
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
        $command.Parameters['OperationId'].Aliases | Should -Contain 'Id'
        $command.Parameters['OlderThan'].ParameterType | Should -Be ([timespan])
    }
}

Describe 'Times: local for display, UTC kept' {
    It 'status objects carry local StartTime/EndTime and the same instants as StartTimeUtc/EndTimeUtc' {
        $id = New-TestOperation
        $status = Get-CMBootMediaStatus -OperationId $id
        $status.StartTime.Kind | Should -Be 'Local'
        $status.StartTimeUtc.Kind | Should -Be 'Utc'
        $status.StartTime.ToUniversalTime() | Should -Be $status.StartTimeUtc
        $status.EndTime.ToUniversalTime() | Should -Be $status.EndTimeUtc
        $status.UpdateTime.ToUniversalTime() | Should -Be $status.UpdateTimeUtc
        $table = $status | Format-Table | Out-String -Width 80
        $table | Should -Match 'Started \(local\)'
        $table | Should -Match ([regex]::Escape($status.StartTime.ToString('MM-dd HH:mm:ss')))
    }

    It 'the result shows CertificateNotAfter in local time and keeps CertificateNotAfterUtc' {
        $result = New-CMBootMedia -Demo -MediaType CD -DestinationPath (Join-Path $TestDrive 'times.iso') -WarningAction SilentlyContinue
        $result.CertificateNotAfter.Kind | Should -Be 'Local'
        $result.CertificateNotAfter.ToUniversalTime() | Should -Be $result.CertificateNotAfterUtc
        ($result | Format-List | Out-String) | Should -Match 'CertificateNotAfter \(local\)'
    }
}

Describe 'Completion of -OperationId' {
    It 'offers the operations of the state folder, newest first, for Get- and Remove-CMBootMediaStatus' {
        Get-ChildItem -LiteralPath $script:operations -ErrorAction SilentlyContinue | Remove-Item -Force
        $first = New-TestOperation
        $second = New-TestOperation -BootImageId PS100099
        foreach ($command in 'Get-CMBootMediaStatus', 'Remove-CMBootMediaStatus') {
            $line = "$command -OperationId "
            $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
            @($completions.CompletionText) | Should -Be @($second, $first) -Because $command
            $completions[0].ToolTip | Should -Match '^Failed, started \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(local\), CD '
        }
        $line = 'Get-CMBootMediaStatus -OperationId {0}' -f $first.Substring(0, 8)
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @($first)
    }
}

Describe 'Views at 80 columns' {
    It 'shows every column of the <Type> table in an 80-column console' -ForEach @(
        @{ Type = 'status'; Columns = @('OperationId', 'State', '%', 'ExitCode', 'Started (local)') }
        @{ Type = 'boot image'; Columns = @('PackageID', 'Arch', 'Version', 'Problem', 'Name') }
    ) {
        if ($Type -eq 'status') { $object = Get-CMBootMediaStatus -OperationId (New-TestOperation) }
        else { $object = Get-CMBootMediaImage -Demo }
        $lines = @(($object | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() })
        $header = $lines[0]
        foreach ($column in $Columns) { $header | Should -Match ('(^|\s){0}(\s|$)' -f [regex]::Escape($column)) }
        @($lines | Where-Object { $_.TrimEnd().Length -gt 80 }).Count | Should -Be 0
        # The values that identify the object are whole, not cut off with an ellipsis.
        if ($Type -eq 'status') { $lines[2] | Should -Match ([regex]::Escape($object.OperationId)) }
        else { $lines[2] | Should -Match '^PS100005\s+x64' }
    }
}
