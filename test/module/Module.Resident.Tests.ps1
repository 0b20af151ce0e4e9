#Requires -Modules Pester
# The resident engine: one engine process per PowerShell session (and one per job), started lazily,
# restarted when it dies, ended with the module. Engine starts are counted through a wrapper script
# that logs each start and then execs the real engine (POSIX only).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop
    $script:skip = [bool]$IsWindows
    $script:starts = Join-Path $TestDrive 'engine-starts.log'
    $body = "echo `$`$ >> '{0}'`nexec {{engine}}" -f $script:starts
    if (-not $script:skip) { $script:saved = Set-TestEngineWrapper -Path (Join-Path $TestDrive 'counting-engine') -Body $body -StateDir (Join-Path $TestDrive 'state') }
    function Get-EngineStarts { @(Get-Content -LiteralPath $script:starts -ErrorAction SilentlyContinue) }
}

AfterAll {
    if ($script:saved) { Restore-TestEngineEnvironment $script:saved }
}

Describe 'the resident engine' {
    It 'serves New-CMBootMedia -AsJob and Get-CMBootMediaStatus -Wait with at most two engine processes' -Skip:$script:skip {
        $before = (Get-EngineStarts).Count
        $job = New-CMBootMedia -Demo -MediaType CD -DestinationPath (Join-Path $TestDrive 'job.iso') -AsJob -WarningAction SilentlyContinue
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while (-not $job.OperationId -and $job.State -eq 'Running' -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $status = Get-CMBootMediaStatus -OperationId $job.OperationId -Wait -TimeoutSeconds 120 -ErrorAction Stop
        $status.State | Should -Be 'Succeeded'
        foreach ($i in 1..5) { $null = Get-CMBootMediaStatus -OperationId $job.OperationId -ErrorAction Stop }
        $null = $job | Wait-Job
        $job | Remove-Job
        ((Get-EngineStarts).Count - $before) | Should -BeLessOrEqual 2
        ((Get-EngineStarts).Count - $before) | Should -BeGreaterOrEqual 1
    }

    It 'checks and creates UFD+FORMAT media with one engine process' -Skip:$script:skip {
        $null = Get-CMBootMediaStatus -ErrorAction Stop   # the session's engine is running
        $before = (Get-EngineStarts).Count
        $result = New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath (Join-Path $TestDrive 'stick.img') -ImageSize 64MB -WarningAction SilentlyContinue -ErrorAction Stop
        $result.BytesWritten | Should -BeGreaterThan 0
        (Get-EngineStarts).Count | Should -Be $before
    }

    It 'starts a new engine when the resident one died, and ends it with the module' -Skip:$script:skip {
        $null = Get-CMBootMediaStatus -ErrorAction Stop
        $first = [int](Get-EngineStarts)[-1]
        Stop-Process -Id $first -Force
        $null = Get-CMBootMediaStatus -ErrorAction Stop
        $second = [int](Get-EngineStarts)[-1]
        $second | Should -Not -Be $first
        Get-Process -Id $second -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty
        Remove-Module CmTsMedia -Force
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while ((Get-Process -Id $second -ErrorAction SilentlyContinue) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Get-Process -Id $second -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop
    }
}
