#Requires -Modules Pester
# Hygiene of the module as shipped: manifest, exports, help, Windows PowerShell 5.1 syntax, encodings.
# These replace PSScriptAnalyzer and platyPS, which cannot be installed here (docs/module.md "Tests").

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $exported = @('New-CMBootMedia', 'Get-CMBootMediaStatus', 'Get-CMBootMediaImage', 'Test-CMBootMedia', 'Remove-CMBootMediaStatus')
    $moduleBase = Split-Path (Get-TestModuleManifest) -Parent
    $scriptFiles = @(Get-ChildItem -LiteralPath (Join-Path $moduleBase 'module') -Recurse -File -Include '*.ps1', '*.psm1' |
        Where-Object { $_.FullName -notmatch '[\\/]Demo[\\/]' } |
        ForEach-Object { @{ Name = $_.FullName.Substring($moduleBase.Length + 1); Path = $_.FullName } })
    $textFiles = @(Get-ChildItem -LiteralPath (Join-Path $moduleBase 'module') -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1', '*.ps1xml', '*.cs', '*.txt' |
        Where-Object { $_.FullName -notmatch '[\\/]Demo[\\/]' } |
        ForEach-Object { @{ Name = $_.FullName.Substring($moduleBase.Length + 1); Path = $_.FullName } })
    $textFiles += @{ Name = 'CmTsMedia.psd1'; Path = (Get-TestModuleManifest) }
    $textFiles += @{ Name = 'en-US/about_CmTsMedia.help.txt'; Path = (Join-Path $moduleBase 'en-US/about_CmTsMedia.help.txt') }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:manifestPath = Get-TestModuleManifest
    $script:module = Import-Module $script:manifestPath -Force -PassThru -ErrorAction Stop
}

AfterAll {
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'Manifest' {
    It 'is a valid manifest' {
        $info = Test-ModuleManifest -Path $script:manifestPath -ErrorAction Stop
        $info.Name | Should -Be 'CmTsMedia'
        $info.RootModule | Should -Be 'module/CmTsMedia.psm1'
        $info.PowerShellVersion | Should -Be ([version]'5.1')
        $info.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
    }

    It 'lists every export explicitly' {
        $data = Import-PowerShellDataFile -LiteralPath $script:manifestPath
        @($data.FunctionsToExport) | Should -Be @('New-CMBootMedia', 'Get-CMBootMediaStatus', 'Get-CMBootMediaImage', 'Test-CMBootMedia', 'Remove-CMBootMediaStatus', 'New-CMBootMediaSiteCatalog', 'Register-CMBootMediaCertificate')
        @($data.CmdletsToExport).Count | Should -Be 0
        @($data.VariablesToExport).Count | Should -Be 0
        @($data.AliasesToExport).Count | Should -Be 0
        $data.FormatsToProcess | Should -Be @('module/CmTsMedia.Format.ps1xml')
    }

    It 'exports exactly the public commands' {
        @($script:module.ExportedCommands.Keys | Sort-Object) | Should -Be @('Get-CMBootMediaImage', 'Get-CMBootMediaStatus', 'New-CMBootMedia', 'New-CMBootMediaSiteCatalog', 'Register-CMBootMediaCertificate', 'Remove-CMBootMediaStatus', 'Test-CMBootMedia')
        $script:module.ExportedVariables.Count | Should -Be 0
        $script:module.ExportedAliases.Count | Should -Be 0
    }

    It 'has one file in module/Public per exported command' {
        $public = @(Get-ChildItem -LiteralPath (Join-Path $script:module.ModuleBase 'module/Public') -Filter '*.ps1' | ForEach-Object { $_.BaseName } | Sort-Object)
        $public | Should -Be @($script:module.ExportedCommands.Keys | Sort-Object)
    }
}

Describe 'Help of <_>' -ForEach $exported {
    BeforeAll {
        $script:help = Get-Help -Name $_ -Full
        $script:command = Get-Command -Name $_
    }

    It 'has a synopsis and a description' {
        $script:help.Synopsis | Should -Not -BeNullOrEmpty
        $script:help.Synopsis | Should -Not -Match '^\s*\w+-\w+\s*\['   # the generated syntax line means no help
        ($script:help.Description | Out-String) | Should -Match '\w{20,}|\w+\s+\w+\s+\w+'
    }

    It 'has a synopsis line that is not the generated syntax, and links to about_CmTsMedia' {
        ($script:help.relatedLinks.navigationLink.linkText) | Should -Contain 'about_CmTsMedia'
    }

    It 'has at least two examples with code and remarks' {
        $examples = @($script:help.Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'has an example for each parameter set' {
        # An example covers a set when the command's named parameters all belong to it and the set's
        # mandatory parameters are given (or, for a piped command, can bind from the pipeline).
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $covered = @{}
        foreach ($example in @($script:help.Examples.Example)) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput([string]$example.Code, [ref]$null, [ref]$null)
            $calls = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] -and $node.GetCommandName() -eq $script:command.Name }, $true)
            foreach ($call in $calls) {
                $named = @($call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } |
                        ForEach-Object { $script:command.ResolveParameter($_.ParameterName).Name } | Where-Object { $_ -notin $common })
                $piped = $call.Parent -is [System.Management.Automation.Language.PipelineAst] -and $call.Parent.PipelineElements.IndexOf($call) -gt 0
                foreach ($set in $script:command.ParameterSets) {
                    $inSet = @($set.Parameters.Name)
                    if (@($named | Where-Object { $_ -notin $inSet }).Count -gt 0) { continue }
                    $missing = @($set.Parameters | Where-Object { $_.IsMandatory -and $_.Name -notin $named -and -not ($piped -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName)) })
                    if ($missing.Count -eq 0) { $covered[$set.Name] = $true }
                }
            }
        }
        foreach ($set in $script:command.ParameterSets.Name) { $covered.Keys | Should -Contain $set -Because "parameter set $set needs an example" }
    }

    It 'documents every parameter' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($name in $script:command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $parameterHelp = $script:help.Parameters.Parameter | Where-Object Name -EQ $name
            ($parameterHelp.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs help"
        }
    }
}

Describe 'about_CmTsMedia' {
    BeforeAll { $exported = @('New-CMBootMedia', 'Get-CMBootMediaStatus', 'Get-CMBootMediaImage', 'Test-CMBootMedia', 'Remove-CMBootMediaStatus') }

    It 'ships an about topic that covers the catalog, the error table, jobs, status, scheduled tasks and the engine lookup' {
        $path = Join-Path $script:module.ModuleBase 'en-US/about_CmTsMedia.help.txt'
        $text = Get-Content -LiteralPath $path -Raw
        $text | Should -Match 'about_CmTsMedia'
        foreach ($row in Get-TestErrorRows) { $text | Should -Match ('{0}\s+{1}\s+CmTsMedia\.{2}' -f $row.hresult, $row.code, $row.type) }
        foreach ($heading in 'THE SITE CATALOG', 'ERRORS', 'BACKGROUND JOBS', 'STATUS FROM ANOTHER PROCESS', 'SCHEDULED TASKS', 'STATUS HOUSEKEEPING', 'THE LOG') { $text | Should -Match "(?m)^$heading" }
        foreach ($command in $exported) { $text | Should -Match $command }
        $text | Should -Match 'CMTSMEDIA_ENGINE'
        $text | Should -Match 'Get-CMBootMediaStatus'
    }

    # Get-Help looks for about topics in <ModuleBase>/<culture> of every loaded module, so the topic is
    # at en-US/ beside the manifest, in the repository and in the built module alike.
    It 'is found by Get-Help when the module is imported <How>' -ForEach @(
        @{ How = 'by name from $env:PSModulePath' }
        @{ How = 'by the path of the tested manifest' }
        @{ How = 'by the path of the repository''s manifest (source checkout)' }
    ) {
        $import = switch -Wildcard ($How) {
            'by name*' {
                $installed = Join-Path $TestDrive ('Modules/CmTsMedia/' + (Import-PowerShellDataFile -LiteralPath $script:manifestPath).ModuleVersion)
                $null = New-Item -ItemType Directory -Path (Join-Path $installed 'data') -Force
                Copy-Item -LiteralPath $script:manifestPath -Destination $installed
                foreach ($folder in 'module', 'en-US') { Copy-Item -LiteralPath (Join-Path $script:module.ModuleBase $folder) -Destination $installed -Recurse -Force }
                Copy-Item -LiteralPath (Get-TestErrorTablePath) -Destination (Join-Path $installed 'data')
                '$env:PSModulePath = ''{0}'' + [IO.Path]::PathSeparator + $env:PSModulePath; Import-Module CmTsMedia' -f (Join-Path $TestDrive 'Modules')
            }
            '*tested*' { "Import-Module '$($script:manifestPath)'" }
            default { "Import-Module '$(Join-Path (Split-Path (Split-Path $PSScriptRoot -Parent) -Parent) 'CmTsMedia.psd1')'" }
        }
        $about = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "$import; Get-Help about_CmTsMedia | Out-String"
        ($about -join "`n") | Should -Match 'STATUS HOUSEKEEPING'
    }
}

Describe 'Source file <Name>' -ForEach $scriptFiles {
    BeforeAll {
        $tokens = $null
        $parseErrors = $null
        $script:ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$parseErrors)
        $script:parseErrors = $parseErrors
        $script:tokens = $tokens
    }

    It 'parses' {
        $script:parseErrors | Should -BeNullOrEmpty
    }

    It 'uses no PowerShell-7-only syntax (Windows PowerShell 5.1 must load it)' {
        $sevenOnly = @('TernaryExpressionAst', 'PipelineChainAst')
        $found = $script:ast.FindAll({ param($node) $node.GetType().Name -in $sevenOnly }, $true)
        @($found).Count | Should -Be 0 -Because ((@($found) | ForEach-Object { $_.Extent.Text }) -join '; ')
        # ?? and ??= (null coalescing), ?. and ?[ (null-conditional member access).
        $nullOperators = @($script:tokens | Where-Object { $_.Kind -in 'QuestionQuestion', 'QuestionQuestionEquals', 'QuestionDot', 'QuestionLBracket' })
        $nullOperators.Count | Should -Be 0
        # clean {} blocks (7.3) and parameters that 5.1 lacks.
        $cleanBlocks = $script:ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.ScriptBlockAst] -and $null -ne $node.PSObject.Properties['CleanBlock'] -and $null -ne $node.CleanBlock }, $true)
        @($cleanBlocks).Count | Should -Be 0
        $violations = New-Object System.Collections.Generic.List[string]
        $commands = $script:ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)
        foreach ($command in $commands) {
            $name = $command.GetCommandName()
            $parameters = @($command.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $_.ParameterName })
            if ($name -in 'ForEach-Object', '%', 'foreach' -and $parameters -contains 'Parallel') { $violations.Add($command.Extent.Text) }
            if ($name -eq 'ConvertFrom-Json' -and ($parameters | Where-Object { $_ -in 'AsHashtable', 'DateKind', 'Depth' })) { $violations.Add($command.Extent.Text) }
            # utf8NoBOM and friends do not exist in 5.1.
            if ($name -in 'Set-Content', 'Out-File', 'Add-Content' -and $parameters -contains 'Encoding') { $violations.Add($command.Extent.Text) }
            # Write-Host bypasses the streams; Get-Error and Join-String are 7-only.
            if ($name -in 'Write-Host', 'Get-Error', 'Join-String') { $violations.Add($command.Extent.Text) }
        }
        $violations | Should -BeNullOrEmpty
        $attributes = $script:ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.AttributeAst] }, $true)
        @($attributes | Where-Object { $_.TypeName.Name -eq 'ArgumentCompletions' }).Count | Should -Be 0
    }

    It 'never uses a bare throw (typed ErrorRecords only)' {
        $throws = $script:ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.ThrowStatementAst] }, $true)
        @($throws).Count | Should -Be 0
    }
}

# STYLE: one function per file in module/Public and module/Private, named as the file, and each
# file dot-sourced by name from the psm1's explicit load order (docs/module.md, "Layout").
Describe 'Function file <Name>' -ForEach @($scriptFiles | Where-Object { $_.Name -match '[\\/](Public|Private)[\\/]' }) {
    It 'defines exactly one top-level function, named as the file' {
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$null)
        $topLevel = @($ast.EndBlock.Statements | Where-Object { $_ -is [System.Management.Automation.Language.FunctionDefinitionAst] })
        @($topLevel | ForEach-Object { $_.Name }) | Should -Be @([System.IO.Path]::GetFileNameWithoutExtension($Path))
        @($ast.BeginBlock, $ast.ProcessBlock, $ast.DynamicParamBlock | Where-Object { $null -ne $_ }).Count | Should -Be 0
    }

    It 'is small: a body of at most 80 lines, and at most 400 lines besides its comment-based help' {
        # docs/architecture.md "Small parts": the begin/process/end statements count, not the help or
        # the param block; the file counts without its help comment.
        $tokens = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$null)
        foreach ($function in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)) {
            $bodyLines = 0
            foreach ($block in @($function.Body.BeginBlock, $function.Body.ProcessBlock, $function.Body.EndBlock) | Where-Object { $null -ne $_ -and $_.Statements.Count -gt 0 }) {
                $bodyLines += $block.Statements[-1].Extent.EndLineNumber - $block.Statements[0].Extent.StartLineNumber + 1
            }
            $bodyLines | Should -BeLessOrEqual 80 -Because "$($function.Name) should be split into named steps"
        }
        $helpLines = 0
        foreach ($token in $tokens | Where-Object { $_.Kind -eq 'Comment' -and $_.Text -match '^<#[\s\S]*\.SYNOPSIS' }) {
            $helpLines += $token.Extent.EndLineNumber - $token.Extent.StartLineNumber + 1
        }
        ([System.IO.File]::ReadAllLines($Path).Count - $helpLines) | Should -BeLessOrEqual 400
    }

    It 'is loaded once, by name, from CmTsMedia.psm1' {
        $psm1 = [System.IO.File]::ReadAllText((Join-Path $script:module.ModuleBase 'module/CmTsMedia.psm1'))
        $fileName = [System.IO.Path]::GetFileName($Path)
        [regex]::Matches($psm1, "(?m)^\s*'" + [regex]::Escape($fileName) + "'\s*$").Count | Should -Be 1
    }
}

Describe 'Encoding of <Name>' -ForEach $textFiles {
    It 'is ASCII or UTF-8 with BOM, without trailing whitespace' {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        $hasBom = $bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF
        if (-not $hasBom) {
            $latin1 = [System.Text.Encoding]::GetEncoding(28591).GetString($bytes)
            $latin1 -match '[^\x00-\x7F]' | Should -BeFalse -Because 'Windows PowerShell reads BOM-less files as ANSI'
        }
        $lines = [System.IO.File]::ReadAllLines($Path)
        @($lines | Where-Object { $_ -match '[ \t]+$' }).Count | Should -Be 0
    }
}
