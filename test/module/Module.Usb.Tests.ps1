#Requires -Modules Pester
# USB media through the cmdlet and the real engine: UFD+FORMAT to disk image files, and what the
# confirmation says. A test host (CmTsTest.PromptHost below) records prompts and -WhatIf lines and
# answers Yes or No; pwsh -NonInteractive's own host cannot prompt at all.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    Import-Module (Get-TestModuleManifest) -Force -ErrorAction Stop
    $script:saved = @{ State = $env:CMTSMEDIA_STATE_DIR; Engine = $env:CMTSMEDIA_ENGINE }
    $env:CMTSMEDIA_ENGINE = $null
    $env:CMTSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'

    if (-not ('CmTsTest.PromptHost' -as [type])) {
        Add-Type -TypeDefinition @'
namespace CmTsTest
{
    using System;
    using System.Collections.Generic;
    using System.Collections.ObjectModel;
    using System.Globalization;
    using System.Management.Automation;
    using System.Management.Automation.Host;

    public sealed class PromptUI : PSHostUserInterface
    {
        public readonly List<string> Prompts = new List<string>();
        public readonly List<string> Lines = new List<string>();
        /// <summary>The label of the choice to pick: "Yes" or "No" (ShouldProcess offers Yes, Yes to All, No, No to All, Suspend).</summary>
        public string Answer = "No";
        public override PSHostRawUserInterface RawUI { get { return null; } }
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add(caption + "|" + message);
            for (int i = 0; i < choices.Count; i++)
            {
                if (choices[i].Label.Replace("&", string.Empty) == Answer) return i;
            }
            throw new InvalidOperationException("no choice " + Answer);
        }
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) { throw new NotSupportedException(); }
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) { throw new NotSupportedException(); }
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) { throw new NotSupportedException(); }
        public override string ReadLine() { return string.Empty; }
        public override System.Security.SecureString ReadLineAsSecureString() { return new System.Security.SecureString(); }
        public override void Write(string value) { Lines.Add(value); }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { Lines.Add(value); }
        public override void WriteLine(string value) { Lines.Add(value); }
        public override void WriteErrorLine(string value) { }
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) { }
    }

    public sealed class PromptHost : PSHost
    {
        private readonly Guid id = Guid.NewGuid();
        public readonly PromptUI Recorder = new PromptUI();
        public override string Name { get { return "CmTsTestPromptHost"; } }
        public override Version Version { get { return new Version(1, 0); } }
        public override Guid InstanceId { get { return id; } }
        public override PSHostUserInterface UI { get { return Recorder; } }
        public override CultureInfo CurrentCulture { get { return CultureInfo.InvariantCulture; } }
        public override CultureInfo CurrentUICulture { get { return CultureInfo.InvariantCulture; } }
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() { throw new NotSupportedException(); }
        public override void ExitNestedPrompt() { throw new NotSupportedException(); }
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }
}
'@
    }

    function Invoke-WithPromptHost {
        # Runs $Script (with $Arguments) in a new runspace on a PromptHost that answers $Answer ('Yes' or
        # 'No'); returns @{ Output; Errors; Prompts; Lines }.
        param(
            [Parameter(Mandatory = $true)] [string] $Script,
            [hashtable] $Arguments = @{},
            [string] $Answer = 'No'
        )
        $hostObject = New-Object CmTsTest.PromptHost
        $hostObject.Recorder.Answer = $Answer
        $runspace = [runspacefactory]::CreateRunspace($hostObject)
        $runspace.Open()
        try {
            $shell = [powershell]::Create()
            $shell.Runspace = $runspace
            $null = $shell.AddScript($Script)
            foreach ($name in $Arguments.Keys) { $null = $shell.AddParameter($name, $Arguments[$name]) }
            $output = $shell.Invoke()
            [pscustomobject]@{
                Output  = @($output)
                Errors  = @($shell.Streams.Error)
                Prompts = @($hostObject.Recorder.Prompts)
                Lines   = @($hostObject.Recorder.Lines)
            }
            $shell.Dispose()
        }
        finally {
            $runspace.Dispose()
        }
    }

    # New-CMBootMedia -Demo -MediaType UFD+FORMAT in a PromptHost runspace; $Extra are more parameters.
    $script:formatScript = @'
param($Manifest, $Image, $Extra)
Import-Module $Manifest -ErrorAction Stop
New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath $Image -WarningAction SilentlyContinue @Extra
'@
    function script:Invoke-Format([string] $Image, [hashtable] $Extra = @{}, [string] $Answer = 'No') {
        Invoke-WithPromptHost -Script $script:formatScript -Answer $Answer -Arguments @{ Manifest = (Get-TestModuleManifest); Image = $Image; Extra = $Extra }
    }
    # An existing image file of zeros: UFD+FORMAT keeps its size and erases it.
    function script:New-ZeroImage([string] $Name, [long] $Size = 64MB) {
        $path = Join-Path $TestDrive $Name
        $stream = [System.IO.File]::Create($path)
        try { $stream.SetLength($Size) } finally { $stream.Dispose() }
        $path
    }
    function script:Test-Untouched([string] $Path, [long] $Size = 64MB) {
        (Get-Item -LiteralPath $Path).Length | Should -Be $Size
        $head = New-Object byte[] (2MB)
        $stream = [System.IO.File]::OpenRead($Path)
        try { $null = $stream.Read($head, 0, $head.Length) } finally { $stream.Dispose() }
        [System.Linq.Enumerable]::SequenceEqual([byte[]]$head, [byte[]](New-Object byte[] $head.Length)) | Should -BeTrue
    }
    function script:Test-FatDisk([string] $Path) {
        $bytes = New-Object byte[] (1MB + 512)
        $stream = [System.IO.File]::OpenRead($Path)
        try { $null = $stream.Read($bytes, 0, $bytes.Length) } finally { $stream.Dispose() }
        $bytes[510] | Should -Be 0x55
        $bytes[511] | Should -Be 0xAA
        $bytes[0x1BE] | Should -Be 0x80   # active
        $bytes[0x1C2] | Should -Be 0x0C   # FAT32 LBA
        [System.Text.Encoding]::ASCII.GetString($bytes, 1MB + 82, 8) | Should -Be 'FAT32   '
    }
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
        Test-FatDisk $image
    }

    It 'needs -ImageSize for an image file that does not exist' {
        $image = Join-Path $TestDrive 'nosize.img'
        { New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath $image -Force -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ExceptionType ([type]'CmTsMedia.InvalidArgumentException') -ErrorId 'E_INVALIDARG,New-CMBootMedia'
        Test-Path -LiteralPath $image | Should -BeFalse
    }
}

Describe 'The UFD+FORMAT confirmation names the disk and its size' {
    It 'asks before erasing an existing image, naming it and its size; No writes nothing' {
        $image = New-ZeroImage 'no.img'
        $run = Invoke-Format $image -Answer No
        $run.Prompts | Should -Be @("Format disk for boot media|All data on the 64.0 MiB disk image file $image will be erased. Continue?")
        $run.Output | Should -BeNullOrEmpty
        $run.Errors | Should -BeNullOrEmpty
        Test-Untouched $image
    }

    It 'writes the disk after Yes, asking once' {
        $image = New-ZeroImage 'yes.img'
        $run = Invoke-Format $image -Answer Yes
        $run.Prompts.Count | Should -Be 1
        $run.Errors | Should -BeNullOrEmpty
        $run.Output[0].PSObject.TypeNames | Should -Contain 'CmTsMedia.BootMediaResult'
        (Get-Item -LiteralPath $image).Length | Should -Be 64MB
        Test-FatDisk $image
    }

    It 'asks once with -Confirm (not a second time), and No writes nothing' {
        $image = New-ZeroImage 'confirm.img'
        $run = Invoke-Format $image @{ Confirm = $true } -Answer No
        $run.Prompts | Should -Be @("Format disk for boot media|All data on the 64.0 MiB disk image file $image will be erased. Continue?")
        Test-Untouched $image
    }

    It 'prints the disk with -WhatIf, for an existing and for a new image' {
        $image = New-ZeroImage 'whatif-existing.img'
        $run = Invoke-Format $image @{ WhatIf = $true }
        $run.Prompts | Should -BeNullOrEmpty
        ($run.Lines -join '') | Should -BeLike "*What if: Create UFD+FORMAT boot media from boot image PS100005. All data on the 64.0 MiB disk image file $image will be erased.*"
        Test-Untouched $image
        $fresh = Join-Path $TestDrive 'whatif-new.img'
        $run = Invoke-Format $fresh @{ WhatIf = $true; ImageSize = 4GB }
        ($run.Lines -join '') | Should -BeLike "*What if: Create UFD+FORMAT boot media from boot image PS100005. The media will be written to a new 4.0 GiB disk image file $fresh.*"
        Test-Path -LiteralPath $fresh | Should -BeFalse
    }

    It 'does not ask for a new image file, which erases nothing' {
        $fresh = Join-Path $TestDrive 'fresh.img'
        $run = Invoke-Format $fresh @{ ImageSize = 64MB } -Answer No
        $run.Prompts | Should -BeNullOrEmpty
        $run.Errors | Should -BeNullOrEmpty
        Test-FatDisk $fresh
    }

    It 'does not ask with -Force -Confirm:$false (the unattended path)' {
        $image = New-ZeroImage 'force.img'
        $run = Invoke-Format $image @{ Force = $true; Confirm = $false } -Answer No
        $run.Prompts | Should -BeNullOrEmpty
        $run.Errors | Should -BeNullOrEmpty
        Test-FatDisk $image
    }

    It 'confirms -AsJob in the caller: No starts no job, Yes starts one that writes the disk' {
        $image = New-ZeroImage 'job.img'
        $run = Invoke-Format $image @{ AsJob = $true } -Answer No
        $run.Prompts.Count | Should -Be 1
        $run.Output | Should -BeNullOrEmpty
        Test-Untouched $image
        $script = $script:formatScript + "`n" + '| ForEach-Object { $_ | Wait-Job -Timeout 120 | Out-Null; $_.State; $_ | Receive-Job -ErrorAction Continue }'
        $run = Invoke-WithPromptHost -Script $script -Answer Yes -Arguments @{ Manifest = (Get-TestModuleManifest); Image = $image; Extra = @{ AsJob = $true } }
        $run.Prompts.Count | Should -Be 1
        $run.Errors | Should -BeNullOrEmpty
        $run.Output[0] | Should -Be 'Completed'
        $run.Output[1].PSObject.TypeNames | Should -Contain 'CmTsMedia.BootMediaResult'
        Test-FatDisk $image
    }

    It 'refuses the system disk with its typed error before any prompt' {
        # The disk holding / on this machine, through lsblk and sysfs in the real engine.
        $source = ''
        if (Get-Command findmnt -ErrorAction SilentlyContinue) { $source = (& findmnt -n -o SOURCE / 2>$null | Select-Object -First 1) }
        $disk = ''
        if ($source -like '/dev/*') {
            # A partition names its disk (PKNAME); a file system on the whole disk has none.
            $parent = [string](& lsblk -n -d -o PKNAME $source 2>$null | Select-Object -First 1)
            if ($parent.Trim()) { $disk = '/dev/' + $parent.Trim() }
            elseif ([string](& lsblk -n -d -o TYPE $source 2>$null) -match 'disk') { $disk = $source }
        }
        if (-not $disk) { Set-ItResult -Skipped -Because "/ is not on a block device here ($source)"; return }
        $run = Invoke-Format $disk -Answer Yes
        $run.Prompts | Should -BeNullOrEmpty
        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_SYSTEMDISK,New-CMBootMedia'
        $run.Errors[0].Exception.GetType().FullName | Should -Be 'CmTsMedia.SystemDiskException'
    }
}
