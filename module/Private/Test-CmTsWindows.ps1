function Test-CmTsWindows {
    <#
    .SYNOPSIS
    True on Windows (Windows PowerShell 5.1 has no $IsWindows). A seam: tests mock it to reach the Windows path.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param()

    if ($PSVersionTable.PSEdition -eq 'Desktop') { return $true }
    [bool](Get-Variable -Name IsWindows -ValueOnly -ErrorAction SilentlyContinue)
}
