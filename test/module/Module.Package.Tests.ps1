#Requires -Modules Pester
# Packaging as the Gallery expects (docs/build.md, "Packages"): the nupkg made by build/package.mjs is
# installed with Install-PSResource (PSResourceGet, in PowerShell 7.4+) from a local folder repository
# into a temporary user scope, and a new pwsh imports CmTsMedia by name and runs the engine from it.
# The child process gets its own HOME, so the repository registration and the installed module land
# in TestDrive and never in the user's profile.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:manifest = Get-TestModuleManifest
    $script:data = Import-PowerShellDataFile -LiteralPath $script:manifest
    $script:repoRoot = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:node = Get-Command node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $script:psResourceGet = Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet | Where-Object Version -GE ([version]'1.1.0')
    $script:builtFolder = (Split-Path $script:manifest -Parent) -eq (Join-Path $script:repoRoot ('dist/CmTsMedia/{0}' -f $script:data.ModuleVersion))
}

Describe 'Package metadata' {
    It 'ships the MIT LICENSE in the repository and in the module folder' {
        foreach ($folder in $script:repoRoot, (Split-Path $script:manifest -Parent)) {
            $license = Join-Path $folder 'LICENSE'
            Test-Path -LiteralPath $license | Should -BeTrue -Because $folder
            (Get-Content -LiteralPath $license -TotalCount 1) | Should -Be 'MIT License'
        }
        $script:data.Copyright | Should -Match 'MIT License'
    }

    It 'has ProjectUri and LicenseUri, and the release notes of its version from CHANGELOG.md' {
        $psData = $script:data.PrivateData.PSData
        [uri]::IsWellFormedUriString($psData.ProjectUri, 'Absolute') | Should -BeTrue
        $psData.LicenseUri | Should -Be ($psData.ProjectUri + '/blob/main/LICENSE')
        if (-not $script:builtFolder) { Set-ItResult -Skipped -Because 'the release notes are filled in by npm run build'; return }
        $changelog = Get-Content -LiteralPath (Join-Path $script:repoRoot 'CHANGELOG.md') -Raw
        $section = [regex]::Match($changelog, ('(?ms)^## {0}\s*\n(.*?)(?=^## |\z)' -f [regex]::Escape($script:data.ModuleVersion))).Groups[1].Value.Trim()
        $section | Should -Not -BeNullOrEmpty
        ($psData.ReleaseNotes -replace "`r`n", "`n") | Should -Be ($section -replace "`r`n", "`n")
    }
}

Describe 'Install-PSResource from a local repository' {
    It 'installs the nupkg of npm run package into a temporary scope; Import-Module CmTsMedia works by name' {
        if (-not $script:builtFolder) { Set-ItResult -Skipped -Because 'packages are made from the built module folder (npm run build)'; return }
        if (-not $script:node) { Set-ItResult -Skipped -Because 'node is not on PATH'; return }
        if (-not $script:psResourceGet) { Set-ItResult -Skipped -Because 'PSResourceGet 1.1+ (PowerShell 7.4+) is not available'; return }
        $repository = Join-Path $TestDrive 'repository'
        $output = & $script:node.Source (Join-Path $script:repoRoot 'build/package.mjs') --no-build --nupkg-only --out $repository 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $nupkg = Join-Path $repository ('CmTsMedia.{0}.nupkg' -f $script:data.ModuleVersion)
        Test-Path -LiteralPath $nupkg | Should -BeTrue

        $profileRoot = Join-Path $TestDrive 'profile'
        $script = @'
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name CmTsMediaTest -Uri '{0}' -Trusted
Install-PSResource -Name CmTsMedia -Repository CmTsMediaTest -Scope CurrentUser -TrustRepository -Quiet
$module = Import-Module CmTsMedia -PassThru
[pscustomobject]@{{ Base = $module.ModuleBase; Version = [string]$module.Version; Commands = @($module.ExportedCommands.Keys | Sort-Object); Image = (Get-CMBootMediaImage -Demo).PackageID; About = [bool](Get-Help about_CmTsMedia | Out-String) }} | ConvertTo-Json -Compress
'@ -f $repository
        $saved = @{ XDG_DATA_HOME = $env:XDG_DATA_HOME; HOME = $env:HOME; XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME; XDG_CACHE_HOME = $env:XDG_CACHE_HOME; PSModulePath = $env:PSModulePath }
        try {
            # PSResourceGet installs below HOME (~/.local/share/powershell/Modules) and keeps its repository
            # list there too; pwsh finds that folder from HOME when no XDG variable points elsewhere.
            $env:HOME = $profileRoot
            foreach ($name in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath') { Remove-Item -Path "env:$name" -ErrorAction SilentlyContinue }
            $lines = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $script 2>&1
        }
        finally {
            foreach ($name in $saved.Keys) { Set-Item -Path "env:$name" -Value $saved[$name] }
        }
        $LASTEXITCODE | Should -Be 0 -Because ($lines -join "`n")
        $result = ($lines | Where-Object { "$_" -like '{*' } | Select-Object -Last 1) | ConvertFrom-Json
        $result.Base | Should -BeLike ((Join-Path $profileRoot '*') + 'CmTsMedia*')
        $result.Version | Should -Be $script:data.ModuleVersion
        $result.Commands | Should -Be @($script:data.FunctionsToExport | Sort-Object)
        $result.Image | Should -Be 'PS100005' -Because 'the installed engine runs (its execute bit is restored after NuGet extraction)'
        $result.About | Should -BeTrue
    }
}
