function ConvertFrom-CmTsCimError {
    <#
    .SYNOPSIS
    Turns a CIM/WMI failure (a CimException, or what a remote call throws) into the typed error the AdminService path gives for the same cause.
    .DESCRIPTION
    Access denied (WBEM_E_ACCESS_DENIED 0x80041003, E_ACCESSDENIED, CIM AccessDenied) is
    CMTSMEDIA_E_SITEACCESSDENIED; a refused logon (0x8007052E) CMTSMEDIA_E_SITEAUTH; an invalid
    namespace or class CMTSMEDIA_E_SITEREPLY; anything else (RPC server unavailable, WinRM not
    reachable) CMTSMEDIA_E_SITEUNREACHABLE.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Exception] $Exception,

        [Parameter(Mandatory = $true)]
        [string] $Target
    )

    $native = ''
    $property = $Exception.PSObject.Properties['NativeErrorCode']
    if ($property) { $native = [string]$property.Value }
    $hresult = '0x{0:X8}' -f $Exception.HResult
    $detail = '{0}: {1}' -f $Target, $Exception.Message.TrimEnd('.')
    $code = 'CMTSMEDIA_E_SITEUNREACHABLE'
    if ($native -eq 'AccessDenied' -or $hresult -in '0x80041003', '0x80070005') { $code = 'CMTSMEDIA_E_SITEACCESSDENIED' }
    elseif ($hresult -eq '0x8007052E') { $code = 'CMTSMEDIA_E_SITEAUTH' }
    elseif ($native -in 'InvalidNamespace', 'InvalidClass', 'NotFound' -or $hresult -in '0x8004100E', '0x80041010') { $code = 'CMTSMEDIA_E_SITEREPLY' }
    New-CmTsErrorRecord -Code $code -Detail $detail -TargetObject $Target -InnerException $Exception
}
