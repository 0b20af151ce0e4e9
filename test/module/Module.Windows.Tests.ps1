#Requires -Modules Pester
# UFD+FORMAT to a Windows disk (E:, \\.\PhysicalDriveN), tested on any OS: the storage cmdlets
# (Get-Partition, Get-Disk, Set-Disk, Update-Disk) are replaced by Pester mocks, defined first as stubs
# where they do not exist (Linux, macOS). Checks the facts passed to the engine, the offline/online order
# around the write, online again after a failure or a stop; then the real engine writes an image file
# that stands in for the disk. No Windows machine was involved: see docs/usb.md.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    Import-Module (Get-TestModuleManifest) -Force -ErrorAction Stop
    $script:saved = @{ State = $env:CMTSMEDIA_STATE_DIR; Engine = $env:CMTSMEDIA_ENGINE }
    $env:CMTSMEDIA_ENGINE = $null
    $env:CMTSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'

    # Stubs with the parameters the module uses; Mock replaces them (and the real cmdlets on Windows).
    $script:stubs = @()
    if (-not (Get-Command Get-Partition -ErrorAction SilentlyContinue)) { function global:Get-Partition { param($DriveLetter, $DiskNumber) }; $script:stubs += 'Get-Partition' }
    if (-not (Get-Command Get-Disk -ErrorAction SilentlyContinue)) { function global:Get-Disk { param($Number) }; $script:stubs += 'Get-Disk' }
    if (-not (Get-Command Set-Disk -ErrorAction SilentlyContinue)) { function global:Set-Disk { param($Number, $IsOffline) }; $script:stubs += 'Set-Disk' }
    if (-not (Get-Command Update-Disk -ErrorAction SilentlyContinue)) { function global:Update-Disk { param($Number) }; $script:stubs += 'Update-Disk' }
    if (-not (Get-Command Get-Volume -ErrorAction SilentlyContinue)) { function global:Get-Volume { param($DriveLetter) }; $script:stubs += 'Get-Volume' }

    # A 16 GB SanDisk USB stick as disk 2, with drive letters E: and F:; disk 0 is the system disk.
    function script:Set-StorageMocks([object] $BusType = 'USB', [bool] $IsSystem = $false) {
        $script:diskBusType = $BusType
        $script:diskIsSystem = $IsSystem
        Mock -ModuleName CmTsMedia Test-CmTsWindows { $true }
        Mock -ModuleName CmTsMedia Get-Partition { [pscustomobject]@{ DiskNumber = 2; DriveLetter = [char]'E' } } -ParameterFilter { $DriveLetter -eq 'E' }
        Mock -ModuleName CmTsMedia Get-Partition { throw 'No MSFT_Partition objects found with property DriveLetter' } -ParameterFilter { $DriveLetter -eq 'Q' }
        Mock -ModuleName CmTsMedia Get-Partition {
            [pscustomobject]@{ DiskNumber = 2; DriveLetter = [char]0 }
            [pscustomobject]@{ DiskNumber = 2; DriveLetter = [char]'E' }
            [pscustomobject]@{ DiskNumber = 2; DriveLetter = [char]'F' }
        } -ParameterFilter { $DiskNumber -eq 2 }
        Mock -ModuleName CmTsMedia Get-Disk {
            [pscustomobject]@{ Number = 2; Size = [uint64]16000000000; BusType = $script:diskBusType; IsSystem = $script:diskIsSystem; IsBoot = $false; IsReadOnly = $false
                FriendlyName = 'SanDisk Ultra'; Model = 'Ultra'; Path = '\\?\usbstor#disk&ven_sandisk' }
        } -ParameterFilter { $Number -eq 2 }
    }
    $script:expectedFacts = [ordered]@{
        path = '\\.\PhysicalDrive2'; sizeBytes = 16000000000; type = 'disk'; removable = $true; hotplug = $false; transport = 'usb'
        readOnly = $false; model = 'SanDisk Ultra'; systemDisk = $false; mounted = @()
    }
    function script:Get-FactsTable([object] $Facts) {
        $table = [ordered]@{}
        foreach ($p in $Facts.PSObject.Properties) { $table[$p.Name] = $p.Value }
        $table
    }
}

AfterAll {
    foreach ($name in $script:stubs) { Remove-Item -LiteralPath ('function:' + $name) -ErrorAction SilentlyContinue }
    $env:CMTSMEDIA_STATE_DIR = $script:saved.State
    $env:CMTSMEDIA_ENGINE = $script:saved.Engine
}

Describe 'Resolve-CmTsWindowsDisk: the engine DiskFacts from the storage cmdlets' {
    BeforeEach { Set-StorageMocks }

    It 'resolves <Path> to disk 2 with its facts and drive letters' -ForEach @(
        @{ Path = 'E:' }, @{ Path = 'e:\' }, @{ Path = '\\.\PhysicalDrive2' }
    ) {
        $disk = InModuleScope CmTsMedia -Parameters @{ Path = $Path } { param($Path) Resolve-CmTsWindowsDisk -DestinationPath $Path }
        $disk.Error | Should -BeNullOrEmpty
        $disk.DiskNumber | Should -Be 2
        $disk.DriveLetters | Should -Be @('E:', 'F:')
        $facts = Get-FactsTable $disk.Facts
        @($facts.Keys) | Should -Be @($script:expectedFacts.Keys)
        foreach ($key in $script:expectedFacts.Keys) { $facts[$key] | Should -Be $script:expectedFacts[$key] -Because $key }
        $facts.sizeBytes | Should -BeOfType [long]
        , $facts.mounted | Should -BeOfType [string[]]
    }

    It 'maps MSFT_Disk bus numbers, and IsSystem or IsBoot to systemDisk' {
        Set-StorageMocks -BusType 17 -IsSystem $true
        $facts = InModuleScope CmTsMedia { (Resolve-CmTsWindowsDisk -DestinationPath 'E:').Facts }
        $facts.transport | Should -Be 'nvme'
        $facts.removable | Should -BeFalse
        $facts.systemDisk | Should -BeTrue
        InModuleScope CmTsMedia { ConvertTo-CmTsBusType -BusType 7 } | Should -Be 'usb'
        InModuleScope CmTsMedia { ConvertTo-CmTsBusType -BusType 'SD' } | Should -Be 'sd'
        InModuleScope CmTsMedia { ConvertTo-CmTsBusType -BusType 0 } | Should -BeNullOrEmpty
    }

    It 'leaves other destinations, and every destination off Windows, to the engine' {
        InModuleScope CmTsMedia { Resolve-CmTsWindowsDisk -DestinationPath 'D:\media\stick.img' } | Should -BeNullOrEmpty
        InModuleScope CmTsMedia { Resolve-CmTsWindowsDisk -DestinationPath '/dev/sdc' } | Should -BeNullOrEmpty
        Mock -ModuleName CmTsMedia Test-CmTsWindows { $false }
        InModuleScope CmTsMedia { Resolve-CmTsWindowsDisk -DestinationPath 'E:' } | Should -BeNullOrEmpty
        Should -Invoke -ModuleName CmTsMedia Get-Disk -Times 0 -Exactly -Scope It
    }

    It 'reports a drive letter without a partition as E_PATHNOTFOUND' {
        $disk = InModuleScope CmTsMedia { Resolve-CmTsWindowsDisk -DestinationPath 'Q:' }
        $disk.Error.FullyQualifiedErrorId | Should -Be 'E_PATHNOTFOUND'
        $disk.Error.Exception.Message | Should -Match 'Q:'
    }

    It 'sends the facts to the engine with their JSON types' {
        $line = InModuleScope CmTsMedia {
            ConvertTo-CmTsRequestLine -Id 1 -Command describeDisk -Params @{ destinationPath = '\\.\PhysicalDrive2'; disk = (Resolve-CmTsWindowsDisk -DestinationPath 'E:').Facts }
        }
        $line | Should -BeLike '*"disk":{"path":"\\\\.\\PhysicalDrive2","sizeBytes":16000000000,"type":"disk","removable":true,"hotplug":false,"transport":"usb","readOnly":false,"model":"SanDisk Ultra","systemDisk":false,"mounted":`[`]}*'
    }
}

Describe 'New-CMBootMedia -MediaType UFD+FORMAT -DestinationPath E: (engine mocked)' {
    BeforeEach {
        Set-StorageMocks
        $script:order = New-Object System.Collections.Generic.List[string]
        $script:requests = New-Object System.Collections.Generic.List[object]
        $script:createOutcome = 'result'
        Mock -ModuleName CmTsMedia Set-Disk { $script:order.Add(('offline={0}' -f $IsOffline)) }
        Mock -ModuleName CmTsMedia Update-Disk { $script:order.Add('rescan') }
        Mock -ModuleName CmTsMedia Invoke-CmTsEngine {
            $script:order.Add($Command)
            $script:requests.Add([pscustomobject]@{ Command = $Command; Params = $Params })
            if ($Command -eq 'checkBootMedia') {
                return [pscustomobject]@{ ErrorRecord = $null; OperationId = $null; Result = [pscustomobject]@{ sizeBytes = 16000000000; erases = $true; destination = '\\.\PhysicalDrive2 (SanDisk Ultra, 14.9 GiB)' } }
            }
            switch ($script:createOutcome) {
                'error' { return [pscustomobject]@{ ErrorRecord = (& (Get-Module CmTsMedia) { New-CmTsErrorRecord -Code 'E_DISKFULL' -Detail 'x' }); OperationId = 'op'; Result = $null } }
            }
            [pscustomobject]@{ ErrorRecord = $null; OperationId = 'op'; Result = [pscustomobject]@{
                    operationId = 'op'; mediaType = 'UFD+FORMAT'; destinationPath = $Params.destinationPath; bootImageId = 'PS100005'; bytesWritten = 1
                    mediaGuid = 'G'; certificateThumbprint = 'T'; certificateNotAfter = '2030-01-01T00:00:00.000Z'; durationMs = 1 } }
        }
    }

    It 'passes the facts to checkBootMedia and createBootMedia, and writes with the disk offline' {
        $result = New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath 'E:' -Force -Confirm:$false -ErrorAction Stop
        $result.DestinationPath | Should -Be '\\.\PhysicalDrive2'
        @($script:order) | Should -Be @('checkBootMedia', 'offline=True', 'createBootMedia', 'offline=False', 'rescan')
        foreach ($request in $script:requests) {
            $request.Params.destinationPath | Should -Be '\\.\PhysicalDrive2'
            $facts = Get-FactsTable $request.Params.disk
            foreach ($key in $script:expectedFacts.Keys) { $facts[$key] | Should -Be $script:expectedFacts[$key] -Because "$($request.Command) $key" }
        }
        $script:requests[1].Params.force | Should -BeTrue
        Should -Invoke -ModuleName CmTsMedia Set-Disk -Times 2 -Exactly -Scope It -ParameterFilter { $Number -eq 2 }
    }

    It 'brings the disk online again after a failed write' {
        $script:createOutcome = 'error'
        New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath 'E:' -Force -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[-1].FullyQualifiedErrorId | Should -Be 'E_DISKFULL,New-CMBootMedia'
        @($script:order) | Should -Be @('checkBootMedia', 'offline=True', 'createBootMedia', 'offline=False', 'rescan')
    }

    It 'brings the disk online again when the pipeline is stopped (Ctrl+C, Stop-Job)' {
        # A stopped pipeline cannot be simulated inside Pester's own (it would stop the test run): run the
        # command in another runspace, stop it while the engine writes, as Stop-Job and Ctrl+C do.
        $order = New-Object 'System.Collections.Concurrent.ConcurrentQueue[string]'
        $shell = [powershell]::Create()
        $null = $shell.AddScript({
                param($Manifest, $Order)
                Import-Module $Manifest -ErrorAction Stop
                $global:TestOrder = $Order
                function global:Set-Disk { param($Number, $IsOffline) $global:TestOrder.Enqueue(('offline={0}' -f $IsOffline)) }
                function global:Update-Disk { param($Number) $global:TestOrder.Enqueue('rescan') }
                & (Get-Module CmTsMedia) {
                    function script:Test-CmTsWindows { $true }
                    function script:Resolve-CmTsWindowsDisk {
                        [pscustomobject]@{ DiskNumber = 2; DriveLetters = @('E:'); Error = $null; Facts = [pscustomobject]@{ path = '\\.\PhysicalDrive2' } }
                    }
                    function script:Invoke-CmTsEngine {
                        param($Cmdlet, $Command, $Params, $Context, $Activity)
                        $global:TestOrder.Enqueue($Command)
                        if ($Command -eq 'checkBootMedia') { return [pscustomobject]@{ ErrorRecord = $null; Result = [pscustomobject]@{ erases = $true; destination = 'disk 2' } } }
                        Start-Sleep -Seconds 60
                    }
                }
                New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath 'E:' -Force -Confirm:$false
            }).AddArgument((Get-TestModuleManifest)).AddArgument($order)
        try {
            $async = $shell.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (@($order.ToArray()) -notcontains 'createBootMedia' -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            @($order.ToArray()) | Should -Contain 'createBootMedia'
            $shell.Stop()
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $shell.Dispose() }
        @($order.ToArray()) | Should -Be @('checkBootMedia', 'offline=True', 'createBootMedia', 'offline=False', 'rescan')
    }

    It 'reports a disk Windows will not take offline as CMTSMEDIA_E_DISKINUSE and writes nothing' {
        Mock -ModuleName CmTsMedia Set-Disk { throw 'The disk is in use (page file)' } -ParameterFilter { $IsOffline -eq $true }
        New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath 'E:' -Force -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[-1].FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_DISKINUSE,New-CMBootMedia'
        # The description of the prompt: the engine's words plus the drive letters that go away.
        $failure[-1].Exception.Message | Should -Match ([regex]::Escape('\\.\PhysicalDrive2 (SanDisk Ultra, 14.9 GiB) with drive E:, F:'))
        @($script:order) | Should -Be @('checkBootMedia')
    }
}

# UFD on Windows without elevation: the engine cannot open \\.\E:, so the module passes Get-Volume's
# facts (docs/usb.md "UFD on Windows"); test/engine/usb/windows-volume.test.ts checks that the engine
# takes exactly this shape and decides from it.
Describe 'New-CMBootMedia -MediaType UFD -DestinationPath E:\ (engine mocked): the volume facts' {
    BeforeEach {
        # Off Windows the drive E: is a PowerShell drive on the test folder, so the path resolves as on Windows.
        if (-not (Get-PSDrive -Name E -ErrorAction SilentlyContinue)) { $script:driveE = New-PSDrive -Name E -PSProvider FileSystem -Root $TestDrive -Scope Global }
        $script:requests = New-Object System.Collections.Generic.List[object]
        Mock -ModuleName CmTsMedia Test-CmTsWindows { $true }
        # Get-Volume of a 16 GB FAT32 stick as Windows formats it (MSFT_Volume's properties).
        Mock -ModuleName CmTsMedia Get-Volume {
            [pscustomobject]@{ DriveLetter = [char]'E'; FileSystem = 'FAT32'; FileSystemLabel = 'PS1 BOOT'; Size = [uint64]15997075456; SizeRemaining = [uint64]15989538816; AllocationUnitSize = [uint32]8192; DriveType = 'Removable' }
        } -ParameterFilter { $DriveLetter -eq 'E' }
        Mock -ModuleName CmTsMedia Invoke-CmTsEngine {
            $script:requests.Add([pscustomobject]@{ Command = $Command; Params = $Params })
            [pscustomobject]@{ ErrorRecord = $null; OperationId = 'op'; Result = [pscustomobject]@{
                    operationId = 'op'; mediaType = 'UFD'; destinationPath = $Params.destinationPath; bootImageId = 'PS100005'; bytesWritten = 1
                    mediaGuid = 'G'; certificateThumbprint = 'T'; certificateNotAfter = '2030-01-01T00:00:00.000Z'; durationMs = 1 } }
        }
    }

    AfterEach {
        if ($script:driveE) { Remove-PSDrive -Name E -Scope Global; $script:driveE = $null }
    }

    It 'sends Get-Volume''s file system, size, free space and cluster size as the volume parameter, with their JSON types' {
        $null = New-CMBootMedia -Demo -MediaType UFD -DestinationPath 'e:\' -Confirm:$false -ErrorAction Stop
        $create = @($script:requests | Where-Object Command -EQ 'createBootMedia')
        $create.Count | Should -Be 1
        $volume = $create[0].Params.volume
        @($volume.PSObject.Properties.Name) | Should -Be @('fileSystem', 'sizeBytes', 'freeBytes', 'clusterBytes')
        $volume.fileSystem | Should -Be 'FAT32'
        $volume.sizeBytes | Should -Be 15997075456
        $volume.freeBytes | Should -Be 15989538816
        $volume.clusterBytes | Should -Be 8192
        $line = InModuleScope CmTsMedia -Parameters @{ Volume = $volume } { param($Volume) ConvertTo-CmTsRequestLine -Id 1 -Command createBootMedia -Params @{ volume = $Volume } }
        $line | Should -BeLike '*"volume":{"fileSystem":"FAT32","sizeBytes":15997075456,"freeBytes":15989538816,"clusterBytes":8192}*'
        Should -Invoke -ModuleName CmTsMedia Get-Volume -Times 1 -Exactly -Scope It -ParameterFilter { $DriveLetter -eq 'E' }
        # The whole request as the engine receives it fits the protocol's createBootMediaParams.
        $request = InModuleScope CmTsMedia -Parameters @{ Params = $create[0].Params } { param($Params) ConvertTo-CmTsRequestLine -Id 1 -Command createBootMedia -Params $Params }
        $schema = Get-Content -LiteralPath (Join-Path (Split-Path (Split-Path $PSScriptRoot -Parent) -Parent) 'engine/protocol.schema.json') -Raw | ConvertFrom-Json -AsHashtable
        $schema.Remove('oneOf')
        $schema['$ref'] = '#/$defs/createBootMediaParams'
        Test-Json -Json (($request | ConvertFrom-Json).params | ConvertTo-Json -Depth 20 -Compress) -Schema ($schema | ConvertTo-Json -Depth 50) -ErrorAction SilentlyContinue -ErrorVariable bad |
            Should -BeTrue -Because ($bad -join ' ')
    }

    It 'sends no volume facts off Windows, without a drive letter, when Get-Volume has no answer, or for a CD' {
        Mock -ModuleName CmTsMedia Test-CmTsWindows { $false }
        InModuleScope CmTsMedia { Get-CmTsVolumeFacts -DestinationPath 'E:\' } | Should -BeNullOrEmpty
        Mock -ModuleName CmTsMedia Test-CmTsWindows { $true }
        Mock -ModuleName CmTsMedia Get-Volume { } -ParameterFilter { $DriveLetter -eq 'Q' }
        InModuleScope CmTsMedia { Get-CmTsVolumeFacts -DestinationPath 'Q:\Media' } | Should -BeNullOrEmpty
        InModuleScope CmTsMedia { Get-CmTsVolumeFacts -DestinationPath '\\server\share' } | Should -BeNullOrEmpty
        $null = New-CMBootMedia -Demo -MediaType CD -DestinationPath 'E:\x.iso' -Confirm:$false -ErrorAction Stop
        $script:requests[-1].Params.ContainsKey('volume') | Should -BeFalse
    }
}

Describe 'New-CMBootMedia to a Windows disk through the real engine' {
    BeforeEach {
        $script:order = New-Object System.Collections.Generic.List[string]
        Mock -ModuleName CmTsMedia Set-Disk { $script:order.Add(('offline={0}' -f $IsOffline)) }
        Mock -ModuleName CmTsMedia Update-Disk { $script:order.Add('rescan') }
    }

    It 'refuses the system disk with its typed error before any prompt, and never takes it offline' {
        Set-StorageMocks -IsSystem $true
        # No -Force in a -NonInteractive host: reaching the prompt would fail with E_INVALIDARG instead.
        New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath 'E:' -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[-1].FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_SYSTEMDISK,New-CMBootMedia'
        $failure[-1].Exception | Should -BeOfType ([type]'CmTsMedia.SystemDiskException')
        $failure[-1].Exception.Message | Should -Match ([regex]::Escape('\\.\PhysicalDrive2 (SanDisk Ultra, 14.9 GiB)'))
        Should -Invoke -ModuleName CmTsMedia Set-Disk -Times 0 -Exactly -Scope It
    }

    Context 'with facts whose path is an image file standing in for the disk' {
        BeforeEach {
            $script:image = Join-Path $TestDrive ('disk{0}.img' -f [guid]::NewGuid().ToString('N').Substring(0, 6))
            $script:imageSize = 64MB
            Mock -ModuleName CmTsMedia Test-CmTsWindows { $true }
            Mock -ModuleName CmTsMedia Resolve-CmTsWindowsDisk {
                $stream = [System.IO.File]::Create($script:image)
                try { $stream.SetLength($script:imageSize) } finally { $stream.Dispose() }
                [pscustomobject]@{ DiskNumber = 7; DriveLetters = @('E:'); Error = $null; Facts = [pscustomobject][ordered]@{
                        path = $script:image; sizeBytes = [long]$script:imageSize; type = 'disk'; removable = $true; hotplug = $false; transport = 'usb'
                        readOnly = $false; model = 'Stand-in'; systemDisk = $false; mounted = [string[]]@() } }
            }
        }

        It 'writes the disk in place between offline and online' {
            $result = New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath 'E:' -Force -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop
            $result.DestinationPath | Should -Be $script:image
            @($script:order) | Should -Be @('offline=True', 'offline=False', 'rescan')
            (Get-Item -LiteralPath $script:image).Length | Should -Be 64MB
            $bytes = [System.IO.File]::ReadAllBytes($script:image)
            $bytes[510] | Should -Be 0x55
            $bytes[511] | Should -Be 0xAA
            $bytes[0x1C2] | Should -Be 0x0C
            [System.Text.Encoding]::ASCII.GetString($bytes, 1MB + 82, 8) | Should -Be 'FAT32   '
        }

        It 'refuses a disk too small for the media before it takes the disk offline' {
            $script:imageSize = 16MB
            New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath 'E:' -Force -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable failure
            $failure[-1].FullyQualifiedErrorId | Should -Be 'CREATETSMEDIA_E_PACKAGETOOLARGE,New-CMBootMedia'
            @($script:order) | Should -Be @()
        }

        It 'brings the disk online again when the engine refuses the write' {
            # The disk goes away between the check and the write (a stand-in for any failure during the write).
            Mock -ModuleName CmTsMedia Set-Disk {
                $script:order.Add(('offline={0}' -f $IsOffline))
                if ($IsOffline) { Remove-Item -LiteralPath $script:image; $null = New-Item -ItemType Directory -Path $script:image }
            }
            New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath 'E:' -Force -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable failure
            $failure[-1].FullyQualifiedErrorId | Should -Be 'E_ACCESSDENIED,New-CMBootMedia'
            @($script:order) | Should -Be @('offline=True', 'offline=False', 'rescan')
        }
    }
}
