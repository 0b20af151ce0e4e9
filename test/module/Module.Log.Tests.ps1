#Requires -Modules Pester
# The CMTrace-format log (docs/logging.md) through the real engine: after a creation the log file
# opens as CMTrace lines (every line parsed with the pattern below), the result and -Verbose name it,
# -LogPath moves it, a failure is an error entry, and the media password is nowhere in it.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    Import-Module (Get-TestModuleManifest) -Force -ErrorAction Stop
    Set-TestEnvironment -StateDir (Join-Path $TestDrive 'state')
    # What CMTrace-style readers parse: text, local time with the UTC bias, date, component, context,
    # type 1 (information), 2 (warning) or 3 (error), thread, file.
    $script:cmTrace = '^<!\[LOG\[(?<message>.*?)\]LOG\]!><time="(?<time>\d{2}:\d{2}:\d{2}\.\d{3})(?<bias>[+-]\d{3})" date="(?<date>\d{2}-\d{2}-\d{4})" component="(?<component>[^"]*)" context="[^"]*" type="(?<type>[123])" thread="(?<thread>\d+)" file="(?<file>[^"]*)">$'

    function Read-CmTraceLog([string] $Path) {
        $lines = @([System.IO.File]::ReadAllText($Path) -split "`r`n" | Where-Object { $_ })
        foreach ($line in $lines) {
            $line -match $script:cmTrace | Should -BeTrue -Because "every line is a CMTrace entry: $line"
            [pscustomobject]@{ Message = $Matches.message; Type = [int]$Matches.type; Time = $Matches.time; Date = $Matches.date; Component = $Matches.component }
        }
    }
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'The CMTrace log of a creation' {
    It 'opens as CMTrace lines in logs/CmTsMedia.log of the state folder, named by the result and -Verbose' {
        $password = ConvertTo-SecureString -String 'Log-Pester-Secret-7' -AsPlainText -Force
        $verbose = New-CMBootMedia -Demo -MediaType CD -DestinationPath (Join-Path $TestDrive 'a.iso') -MediaPassword $password `
            -WarningAction SilentlyContinue -Verbose 4>&1
        $result = @($verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })[0]
        $expected = Join-Path $env:CMTSMEDIA_STATE_DIR 'logs/CmTsMedia.log'
        $result.LogPath | Should -Be $expected
        @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "log file: $expected"
        ($result | Format-List | Out-String) | Should -Match ('LogPath\s+: ' + [regex]::Escape($expected))

        $entries = @(Read-CmTraceLog $expected)
        $entries.Count | Should -BeGreaterThan 5
        $entries[0].Message | Should -Match '^createBootMedia: mediaType=CD, .*mediaPassword=\(given\)'
        $entries.Message | Should -Contain ('operation {0} started' -f $result.OperationId)
        @($entries | Where-Object Type -EQ 2).Message -join "`n" | Should -Match 'demo site'
        $entries[-1].Message | Should -Match ('^createBootMedia succeeded: operationId={0}' -f $result.OperationId)
        # Local date (a creation that straddles midnight may have written yesterday's).
        @([datetime]::Now.ToString('MM-dd-yyyy'), [datetime]::Now.AddMinutes(-10).ToString('MM-dd-yyyy')) | Should -Contain $entries[-1].Date
        [System.IO.File]::ReadAllText($expected) | Should -Not -Match 'Log-Pester-Secret-7'
    }

    It 'writes to -LogPath instead, and a failure is an error entry (type 3) with the SDK code' {
        $path = Join-Path $TestDrive 'logs here/media.log'
        $result = New-CMBootMedia -Demo -MediaType CD -DestinationPath (Join-Path $TestDrive 'b.iso') -LogPath $path -WarningAction SilentlyContinue
        $result.LogPath | Should -Be $path
        { New-CMBootMedia -Demo -BootImageId PS100099 -MediaType CD -DestinationPath (Join-Path $TestDrive 'c.iso') -LogPath $path -ErrorAction Stop } |
            Should -Throw -ExceptionType ([type]'CmTsMedia.MissingPackageException')
        $entries = @(Read-CmTraceLog $path)
        $entries[-1].Type | Should -Be 3
        $entries[-1].Message | Should -Match '^createBootMedia failed: CREATETSMEDIA_E_MISSINGPACKAGE \(0x80040003\) .*PS100099'
        @($entries | Where-Object { $_.Message -like 'createBootMedia succeeded*' }).Count | Should -Be 1
    }

    It 'refuses a -LogPath it cannot write, before writing the media' {
        $blocker = Join-Path $TestDrive 'a-file'
        Set-Content -LiteralPath $blocker -Value 'x'
        $destination = Join-Path $TestDrive 'never.iso'
        $err = { New-CMBootMedia -Demo -MediaType CD -DestinationPath $destination -LogPath (Join-Path $blocker 'x.log') -ErrorAction Stop } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'E_PATHNOTFOUND,New-CMBootMedia'
        Test-Path -LiteralPath $destination | Should -BeFalse
    }
}
