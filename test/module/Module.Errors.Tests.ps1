#Requires -Modules Pester
# Every row of the one error table (errors.json) becomes a loaded .NET type of the module: deriving from
# its group and from CmTsMedia.CmTsMediaException, with the row's HRESULT, and an ErrorRecord with the
# row's code as ErrorId and its category. Type names are resolved inside It: the types exist only after
# the module is imported in BeforeAll (Pester discovery runs first).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $rows = @(Get-TestErrorRows | ForEach-Object {
            @{ Code = $_.code; HResult = $_.hresult; TypeName = 'CmTsMedia.' + $_.type; Group = 'CmTsMedia.' + $_.group; Category = $_.category; Template = $_.message; Action = $_.action; Sdk = $_.sdk }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop
}

AfterAll {
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'The error table' {
    It 'has the 12 SDK codes with their SDK HRESULTs' {
        $sdk = @(Get-TestErrorRows | Where-Object sdk)
        $sdk.Count | Should -Be 12
        for ($n = 1; $n -le 12; $n++) { $sdk[$n - 1].hresult | Should -Be ('0x{0:X8}' -f (0x80040000 + $n)) }
    }
}

Describe '<Code>' -ForEach $rows {
    It 'is the type <TypeName> deriving from <Group> and the base, with HResult <HResult>' {
        $type = $TypeName -as [type]
        $type | Should -Not -BeNullOrEmpty
        $group = $Group -as [type]
        ($type -eq $group -or $type.IsSubclassOf($group)) | Should -BeTrue
        $type.IsSubclassOf([CmTsMedia.CmTsMediaException]) | Should -BeTrue
        $record = & $script:module { param($c) New-CmTsErrorRecord -Code $c -Detail 'DETAIL-42' } $Code
        $record.Exception.GetType() | Should -Be $type
        $record.Exception.HResult | Should -Be ([System.Convert]::ToInt32($HResult.Substring(2), 16))
        $record.Exception.ErrorCode | Should -Be $Code
        $record.Exception.ErrorDetail | Should -Be 'DETAIL-42'
        $record.FullyQualifiedErrorId | Should -Be $Code
        [string]$record.CategoryInfo.Category | Should -Be $Category
        $record.ErrorDetails.RecommendedAction | Should -Be $Action
        if ($Template -match '\{0\}') { $record.Exception.Message | Should -BeLike '*DETAIL-42*' }
        $record.Exception.Message | Should -BeLike ('*' + $Action)
    }
}

Describe 'ErrorRecord details' {
    It 'targets the package ID for MISSINGPACKAGE and PACKAGETOOLARGE' {
        foreach ($code in 'CREATETSMEDIA_E_MISSINGPACKAGE', 'CREATETSMEDIA_E_PACKAGETOOLARGE') {
            $record = & $script:module { param($c) New-CmTsErrorRecord -Code $c -Detail 'PS100099' -Context @{ DestinationPath = '/d'; SiteCatalog = '/s' } } $code
            $record.TargetObject | Should -Be 'PS100099'
        }
    }

    It 'targets the destination for volume errors and the catalog for site errors' {
        $volume = & $script:module { New-CmTsErrorRecord -Code 'CREATETSMEDIA_E_UFD_FS_FAT16' -Context @{ DestinationPath = '/media/usb'; SiteCatalog = '/s.json' } }
        $volume.TargetObject | Should -Be '/media/usb'
        $site = & $script:module { New-CmTsErrorRecord -Code 'CREATETSMEDIA_E_NODEFAULTMP' -Context @{ DestinationPath = '/d.iso'; SiteCatalog = '/s.json' } }
        $site.TargetObject | Should -Be '/s.json'
    }

    It 'keeps an unknown code as ErrorId with the E_UNEXPECTED type' {
        $record = & $script:module { New-CmTsErrorRecord -Code 'CMTSMEDIA_E_FROMTHEFUTURE' -Detail 'x' -Message 'Something new.' }
        $record.FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_FROMTHEFUTURE'
        $record.Exception | Should -BeOfType ([type]'CmTsMedia.UnexpectedException')
    }

    It 'compiles the types once per session (a re-import reuses them)' {
        $before = [CmTsMedia.CmTsMediaException].Assembly
        Import-Module (Get-TestModuleManifest) -Force -ErrorAction Stop
        [CmTsMedia.CmTsMediaException].Assembly | Should -Be $before
        $script:module = Get-Module CmTsMedia
    }
}
