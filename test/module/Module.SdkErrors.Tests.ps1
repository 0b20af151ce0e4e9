#Requires -Modules Pester
# The acceptance test of the 12 SDK codes: each one produced by the REAL engine from a request with
# exactly one defect, and caught by its own exception type with `catch [CmTsMedia.<Type>]`.
# Site defects are copies of the demo site (module/Demo) with one edit to site.json; certificate
# defects use the PFX fixtures of test/fixtures/site (make-fixtures.sh); UFD defects are small volumes
# made here: a FAT16 image mounted with fusefat, an ext4 image on a loop device and a 2 MiB NTFS
# image mounted with ntfs-3g. Those need root and the tools, and skip with the reason otherwise; they also skip while the
# engine answers E_NOTIMPL for MediaType UFD.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $sdkRows = @{}
    foreach ($row in (Get-TestErrorRows | Where-Object sdk)) { $sdkRows[$row.code] = $row }
    # Case name, the code it must produce, and the expected ErrorDetail ($null: none).
    $cases = @(
        @{ Code = 'CREATETSMEDIA_E_NODEFAULTMP'; Detail = $null }
        @{ Code = 'CREATETSMEDIA_E_NOMPCERTS'; Detail = 'MP01.cmtsmedia-demo.example' }
        @{ Code = 'CREATETSMEDIA_E_MISSINGPACKAGE'; Detail = 'PS100099' }
        @{ Code = 'CREATETSMEDIA_E_CERTPASSWORD'; Detail = $null }
        @{ Code = 'CREATETSMEDIA_E_PRIVATEKEY'; Detail = $null }
        @{ Code = 'CREATETSMEDIA_E_NOCACERT'; Detail = $null }
        @{ Code = 'CREATETSMEDIA_E_NOSITESIGNCERT'; Detail = $null }
        @{ Code = 'CREATETSMEDIA_E_CONNECTIONOPTIONS'; Detail = $null }
        @{ Code = 'CREATETSMEDIA_E_CONNECTIONOPTIONNAME'; Detail = 'Server' }
        @{ Code = 'CREATETSMEDIA_E_UFD_FS_FAT16'; Detail = $null }
        @{ Code = 'CREATETSMEDIA_E_UFD_FS_UNKNOWN'; Detail = $null }
        @{ Code = 'CREATETSMEDIA_E_PACKAGETOOLARGE'; Detail = 'PS100005' }
    )
    foreach ($case in $cases) {
        $row = $sdkRows[$case.Code]
        $case.TypeName = 'CmTsMedia.' + $row.type
        $case.HResult = $row.hresult
        $case.Category = $row.category
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop
    $script:saved = @{ State = $env:CMTSMEDIA_STATE_DIR; Engine = $env:CMTSMEDIA_ENGINE }
    $env:CMTSMEDIA_ENGINE = $null
    $env:CMTSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $script:fixtures = Join-Path (Split-Path (Split-Path $PSScriptRoot -Parent) -Parent) 'test/fixtures/site'
    $script:demo = Join-Path $script:module.ModuleBase 'module/Demo'
    $script:password = ConvertTo-SecureString 'Fixture-Pass1' -AsPlainText -Force

    # A copy of the demo site with one edit to its catalog; returns the catalog path.
    function New-DefectiveSite([string] $Name, [scriptblock] $Edit) {
        $site = Join-Path $TestDrive $Name
        Copy-Item -LiteralPath $script:demo -Destination $site -Recurse
        $catalog = Get-Content -LiteralPath (Join-Path $site 'site.json') -Raw | ConvertFrom-Json -AsHashtable
        & $Edit $catalog
        $catalog | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath (Join-Path $site 'site.json')
        Join-Path $site 'site.json'
    }

    # UFD volumes: mounted once, unmounted in AfterAll.
    $script:mounts = New-Object System.Collections.Generic.List[object]
    $script:volumes = @{}
    $script:ufdSkip = @{}
    function Test-Tool([string[]] $Names) { @($Names | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }).Count -eq 0 }
    function New-Image([string] $Name, [int] $SizeMiB) {
        $image = Join-Path $TestDrive "$Name.img"
        $stream = [System.IO.File]::Create($image)
        $stream.SetLength([long]$SizeMiB * 1MB)
        $stream.Dispose()
        $image
    }
    function Mount-Fat([string] $Name, [string] $Image) {
        $mountPoint = Join-Path $TestDrive "mnt-$Name"
        $null = New-Item -ItemType Directory -Path $mountPoint
        # fsname = the image: the engine reads the volume's boot sector from it (/proc/self/mountinfo).
        $null = & fusefat -o "rw+,fsname=$Image" $Image $mountPoint 2>&1
        if ($LASTEXITCODE -ne 0) { return $null }
        $script:mounts.Add(@{ Path = $mountPoint; Fuse = $true })
        $mountPoint
    }

    function Mount-Loop([string] $Name, [string] $Image) {
        if (-not (Test-Tool 'mount', 'umount')) { return $null }
        $mountPoint = Join-Path $TestDrive "loop-$Name"
        $null = New-Item -ItemType Directory -Path $mountPoint
        $null = & mount -o loop $Image $mountPoint 2>&1
        if ($LASTEXITCODE -ne 0) { return $null }
        $script:mounts.Add(@{ Path = $mountPoint; Fuse = $false })
        $mountPoint
    }

    $isRoot = -not $IsWindows -and (& id -u) -eq '0'
    if (-not $isRoot) {
        foreach ($code in 'FAT16', 'UNKNOWN', 'TOOLARGE') { $script:ufdSkip[$code] = 'needs root to mount test volumes' }
    }
    else {
        if (Test-Tool 'mkfs.fat', 'fusefat', 'fusermount') {
            $fat16 = New-Image 'fat16' 32
            $null = & mkfs.fat -F 16 $fat16 2>&1
            $script:volumes['FAT16'] = Mount-Fat 'fat16' $fat16
            if (-not $script:volumes['FAT16']) { $script:ufdSkip['FAT16'] = 'fusefat could not mount the FAT16 image' }
        }
        else { $script:ufdSkip['FAT16'] = 'needs mkfs.fat, fusefat and fusermount' }

        if (Test-Tool 'mkntfs', 'ntfs-3g', 'fusermount') {
            # A 2 MiB NTFS volume (ntfs-3g, FUSE): NTFS is a valid UFD target and its statfs reports the
            # free space (about 1.3 MB, less than the demo media need), so the engine refuses before it
            # writes. A tiny FAT32 volume would need the kernel's vfat on a loop device: fusefat reports no
            # free space on FAT32 and answers a full volume with EPERM (see docs/module.md).
            $ntfs = New-Image 'ntfs' 2
            $null = & mkntfs -F -Q -q $ntfs 2>&1
            $mountPoint = Join-Path $TestDrive 'mnt-ntfs'
            $null = New-Item -ItemType Directory -Path $mountPoint
            $null = & ntfs-3g $ntfs $mountPoint 2>&1
            if ($LASTEXITCODE -eq 0) {
                $script:mounts.Add(@{ Path = $mountPoint; Fuse = $true })
                $script:volumes['TOOLARGE'] = $mountPoint
            }
            else { $script:ufdSkip['TOOLARGE'] = 'ntfs-3g could not mount the NTFS image' }
        }
        else { $script:ufdSkip['TOOLARGE'] = 'needs mkntfs and ntfs-3g (Debian: ntfs-3g)' }

        if (Test-Tool 'mkfs.ext4') {
            $ext4 = New-Image 'ext4' 8
            $null = & mkfs.ext4 -q $ext4 2>&1
            $script:volumes['UNKNOWN'] = Mount-Loop 'ext4' $ext4
            if (-not $script:volumes['UNKNOWN']) { $script:ufdSkip['UNKNOWN'] = 'no loop device to mount an ext4 image' }
        }
        else { $script:ufdSkip['UNKNOWN'] = 'needs mkfs.ext4' }
    }

    # The request with exactly one defect for each code.
    function Get-DefectiveRequest([string] $Code) {
        $request = @{ MediaType = 'CD'; DestinationPath = (Join-Path $TestDrive "$Code.iso"); BootImageId = 'PS100005'; SiteCatalog = (Join-Path $script:demo 'site.json') }
        switch ($Code) {
            'CREATETSMEDIA_E_NODEFAULTMP' { $request.SiteCatalog = New-DefectiveSite 'nodefaultmp' { param($c) $c.managementPoints[0].default = $false } }
            'CREATETSMEDIA_E_NOMPCERTS' { $request.SiteCatalog = New-DefectiveSite 'nompcerts' { param($c) $c.managementPoints[0].certificates = @('certs/gone.cer') } }
            'CREATETSMEDIA_E_MISSINGPACKAGE' { $request.BootImageId = 'PS100099' }
            'CREATETSMEDIA_E_CERTPASSWORD' {
                $request.CertificatePath = Join-Path $script:fixtures 'client-openssl3.pfx'
                $request.CertificatePassword = ConvertTo-SecureString 'Wrong-Pass' -AsPlainText -Force
            }
            'CREATETSMEDIA_E_PRIVATEKEY' {
                $request.CertificatePath = Join-Path $script:fixtures 'cert-only.pfx'
                $request.CertificatePassword = $script:password
            }
            'CREATETSMEDIA_E_NOCACERT' {
                $request.SiteCatalog = New-DefectiveSite 'nocacert' { param($c) $c.managementPoints[0].url = 'https://MP01.cmtsmedia-demo.example'; $c.caCertificates = @() }
            }
            'CREATETSMEDIA_E_NOSITESIGNCERT' { $request.SiteCatalog = New-DefectiveSite 'nositesigncert' { param($c) $c.siteSigningCertificate = 'certs/gone.pem' } }
            'CREATETSMEDIA_E_CONNECTIONOPTIONS' { $request.ConnectionOptions = @{ Password = 'only a password, no Username' } }
            'CREATETSMEDIA_E_CONNECTIONOPTIONNAME' { $request.ConnectionOptions = @{ Server = 'x' } }
            'CREATETSMEDIA_E_UFD_FS_FAT16' { $request.MediaType = 'UFD'; $request.DestinationPath = $script:volumes['FAT16'] }
            'CREATETSMEDIA_E_UFD_FS_UNKNOWN' { $request.MediaType = 'UFD'; $request.DestinationPath = $script:volumes['UNKNOWN'] }
            'CREATETSMEDIA_E_PACKAGETOOLARGE' { $request.MediaType = 'UFD'; $request.DestinationPath = $script:volumes['TOOLARGE'] }
        }
        $request
    }
}

AfterAll {
    foreach ($mount in $script:mounts) {
        if ($mount.Fuse) { $null = & fusermount -u $mount.Path 2>&1 } else { $null = & umount $mount.Path 2>&1 }
    }
    $env:CMTSMEDIA_STATE_DIR = $script:saved.State
    $env:CMTSMEDIA_ENGINE = $script:saved.Engine
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'SDK error <Code>' -ForEach $cases {
    It 'is caught by catch [<TypeName>] with HResult <HResult>' {
        $ufd = $Code -replace '^CREATETSMEDIA_E_(UFD_FS_)?(PACKAGE)?', ''
        if ($script:ufdSkip.ContainsKey($ufd)) { Set-ItResult -Skipped -Because $script:ufdSkip[$ufd]; return }
        $request = Get-DefectiveRequest $Code
        # The type literal is written into the catch clause, exactly as a caller would write it.
        $catcher = [scriptblock]::Create(('param($r) try {{ New-CMBootMedia @r -ErrorAction Stop -WarningAction SilentlyContinue; $null }} catch [{0}] {{ $_ }}' -f $TypeName))
        try {
            $caught = & $catcher $request
        }
        catch {
            if ($_.Exception.ErrorCode -eq 'E_NOTIMPL' -and $request.MediaType -eq 'UFD') {
                Set-ItResult -Skipped -Because 'the engine answers E_NOTIMPL for MediaType UFD'
                return
            }
            throw "expected $TypeName, got $($_.Exception.GetType().FullName): $($_.Exception.Message)"
        }
        $caught | Should -Not -BeNullOrEmpty -Because 'the request must fail'
        $caught.Exception.GetType().FullName | Should -Be $TypeName
        $caught.Exception | Should -BeOfType ([type]'CmTsMedia.CmTsMediaException')
        $caught.Exception.HResult | Should -Be ([System.Convert]::ToInt32($HResult.Substring(2), 16))
        $caught.Exception.ErrorCode | Should -Be $Code
        $caught.FullyQualifiedErrorId | Should -Be "$Code,New-CMBootMedia"
        [string]$caught.CategoryInfo.Category | Should -Be $Category
        if ($null -ne $Detail) {
            $caught.Exception.ErrorDetail | Should -Be $Detail
            $caught.Exception.Message | Should -BeLike "*$Detail*"
        }
        if ($request.MediaType -eq 'CD') { Test-Path -LiteralPath $request.DestinationPath | Should -BeFalse -Because 'a failed request writes no media' }
        else { @(Get-ChildItem -LiteralPath $request.DestinationPath -Exclude 'lost+found').Count | Should -Be 0 -Because 'a failed UFD copy leaves the volume as it was' }
    }
}
