#Requires -Modules Pester
# The protocol contract from the module's side: every line the module sends to the real engine and
# every line it receives validate against engine/protocol.schema.json (Test-Json), results against
# their command's $defs/<command>Result. The lines are captured by a wrapper engine (tee on both sides).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop
    $repo = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:schema = Get-Content -LiteralPath (Join-Path $repo 'engine/protocol.schema.json') -Raw
    $script:skip = [bool]$IsWindows -or -not (Get-Command tee -ErrorAction SilentlyContinue)
    $script:sent = Join-Path $TestDrive 'sent.jsonl'
    $script:received = Join-Path $TestDrive 'received.jsonl'
    $body = "tee -a '{0}' | {{engine}} | tee -a '{1}'" -f $script:sent, $script:received
    if (-not $script:skip) { $script:saved = Set-TestEngineWrapper -Path (Join-Path $TestDrive 'tee-engine') -Body $body -StateDir (Join-Path $TestDrive 'state') }

    # The schema with its top level replaced by a reference to one definition.
    function Get-SchemaFor([string] $Definition) {
        $document = $script:schema | ConvertFrom-Json -AsHashtable
        $document.Remove('oneOf')
        $document['$ref'] = '#/$defs/' + $Definition
        $document | ConvertTo-Json -Depth 50
    }
}

AfterAll {
    if ($script:saved) { Restore-TestEngineEnvironment $script:saved }
}

Describe 'what the module sends and receives matches the protocol schema' {
    It 'for boot images, a check, a creation, status and a typed error' -Skip:$script:skip {
        $iso = Join-Path $TestDrive 'demo.iso'
        $null = Get-CMBootMediaImage -Demo -ErrorAction Stop
        $null = New-CMBootMedia -Demo -MediaType CD -DestinationPath $iso -WhatIf -WarningAction SilentlyContinue -ErrorAction Stop
        $result = New-CMBootMedia -Demo -MediaType CD -DestinationPath $iso -WarningAction SilentlyContinue -ErrorAction Stop
        $null = Get-CMBootMediaStatus -OperationId $result.OperationId -ErrorAction Stop
        (Test-CMBootMedia -Path $iso -SiteCatalog (Join-Path $script:module.ModuleBase 'module/Demo/site.json') -ErrorAction Stop).IsValid | Should -BeTrue
        New-CMBootMedia -Demo -MediaType CD -DestinationPath $iso -BootImageId PS100099 -Force -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[-1].Exception.ErrorCode | Should -Be 'CREATETSMEDIA_E_MISSINGPACKAGE'
        # The error's data reaches the ErrorRecord: the exception's Data, the reason in the message shown.
        $failure[-1].Exception.Data['reason'] | Should -BeLike 'PS100099 is not in $.bootImages of *site.json'
        $failure[-1].ErrorDetails.Message | Should -BeLike 'Package PS100099 is not available on the specified distribution points (PS100099 is not in $.bootImages of *).'
        $failure[-1].TargetObject | Should -Be 'PS100099'
        Remove-Module CmTsMedia -Force   # ends the engine, so the wrapper has written everything
        $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop

        $commands = @{}
        $sentLines = @(Get-Content -LiteralPath $script:sent)
        foreach ($line in $sentLines) {
            $request = $line | ConvertFrom-Json -DateKind String
            $commands[[string]$request.id] = [string]$request.command
            Test-Json -Json ($request.params | ConvertTo-Json -Depth 20 -Compress) -Schema (Get-SchemaFor ('{0}Params' -f $request.command)) -ErrorAction SilentlyContinue -ErrorVariable bad |
                Should -BeTrue -Because ('{0} params: {1} ({2})' -f $request.command, ($bad -join ' '), $line)
        }
        $receivedLines = @(Get-Content -LiteralPath $script:received)
        $receivedLines.Count | Should -BeGreaterThan 10
        $top = $script:schema
        $seen = @{}
        foreach ($line in $receivedLines) {
            Test-Json -Json $line -Schema $top -ErrorAction SilentlyContinue -ErrorVariable bad | Should -BeTrue -Because ("{0}: {1}" -f $line, ($bad -join ' '))
            $message = $line | ConvertFrom-Json -DateKind String
            if ($null -ne $message.PSObject.Properties['result']) {
                $command = $commands[[string]$message.id]
                $seen[$command] = $true
                Test-Json -Json ($message.result | ConvertTo-Json -Depth 20 -Compress) -Schema (Get-SchemaFor ('{0}Result' -f $command)) -ErrorAction SilentlyContinue -ErrorVariable bad |
                    Should -BeTrue -Because ("{0} result: {1}" -f $command, ($bad -join ' '))
            }
        }
        @($seen.Keys | Sort-Object) | Should -Be @('checkBootMedia', 'createBootMedia', 'getBootImages', 'getStatus', 'inspectMedia', 'version')
    }
}
