/** What reading boot media back finds (inspectMedia, Test-CMBootMedia; docs/readback.md). */
export interface BootMediaInfo {
  path: string;
  container: 'iso' | 'disk' | 'folder';
  fileSystem: string;
  mediaType: string | null;
  label: string | null;
  mediaGuid: string | null;
  siteCode: string | null;
  managementPoints: string[];
  mediaMode: 'Static' | 'Dynamic' | null;
  bootImageId: string | null;
  bootImageVersion: number | null;
  architecture: string | null;
  biosBootable: boolean;
  uefiBootable: boolean;
  passwordProtected: boolean | null;
  unattended: boolean | null;
  certificateThumbprint: string | null;
  certificateNotAfter: string | null;
  creator: string | null;
  filesVerified: number;
  problems: string[];
  notes: string[];
  isValid: boolean;
}
