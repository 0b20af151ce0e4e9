#Requires -Modules Pester
# USB media through the cmdlet and the real engine: UFD+FORMAT to a new disk image file.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    Import-Module (Get-TestModuleManifest) -Force -ErrorAction Stop
    $script:saved = @{ State = $env:CMTSMEDIA_STATE_DIR; Engine = $env:CMTSMEDIA_ENGINE }
    $env:CMTSMEDIA_ENGINE = $null
    $env:CMTSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
}

AfterAll {
    $env:CMTSMEDIA_STATE_DIR = $script:saved.State
    $env:CMTSMEDIA_ENGINE = $script:saved.Engine
}

Describe 'New-CMBootMedia -MediaType UFD+FORMAT to a disk image file' {
    It 'writes nothing with -WhatIf' {
        $image = Join-Path $TestDrive 'whatif.img'
        New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath $image -ImageSize 64MB -WhatIf
        Test-Path -LiteralPath $image | Should -BeFalse
    }

    It 'creates a new image of -ImageSize bytes with an MBR and a FAT32 partition' {
        $image = Join-Path $TestDrive 'stick.img'
        $result = New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath $image -ImageSize 64MB -Force -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop
        $result.PSObject.TypeNames | Should -Contain 'CmTsMedia.BootMediaResult'
        $result.MediaType | Should -Be 'UFD+FORMAT'
        $result.BytesWritten | Should -BeGreaterThan 0
        (Get-Item -LiteralPath $image).Length | Should -Be 64MB
        $bytes = [System.IO.File]::ReadAllBytes($image)
        $bytes[510] | Should -Be 0x55
        $bytes[511] | Should -Be 0xAA
        $bytes[0x1BE] | Should -Be 0x80   # active
        $bytes[0x1C2] | Should -Be 0x0C   # FAT32 LBA
        [System.Text.Encoding]::ASCII.GetString($bytes, 1MB + 82, 8) | Should -Be 'FAT32   '
    }

    It 'needs -ImageSize for an image file that does not exist' {
        $image = Join-Path $TestDrive 'nosize.img'
        { New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath $image -Force -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ExceptionType ([type]'CmTsMedia.InvalidArgumentException') -ErrorId 'E_INVALIDARG,New-CMBootMedia'
        Test-Path -LiteralPath $image | Should -BeFalse
    }
}
