//! Resident IDs at rest: AES-256-GCM ciphertext bound to its row, a keyed hash
//! (HMAC-SHA-256) for exact lookup, and the masked form for display. Every subkey is derived
//! from one master key taken from `LIANGXIN_KEY` (64 hex digits) or a key file created for a
//! new database.
//!
//! 国密: a deployment may choose SM4-GCM and HMAC-SM3 instead ([`Suite::Guomi`], GB/T 39786)
//! for the same uses (the IDs, their lookup hash, staged files, the audit chain, the key
//! derivation). The suite is fixed when the database is first opened and is read back from
//! its key check ever after, so one database never mixes the two.
//!
//! A key ring: the key file may hold the keys used before a rotation (`liangxin rotate-key`),
//! one per line. The current key is the one the database's key check names; the older ones
//! only open what they sealed and verify the audit-log rows they chained. Every ciphertext
//! and every audit row says which key made it (a 4-byte key id).

use std::fs;
use std::io::Write;
use std::path::Path;

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload, rand_core::RngCore};
use aes_gcm::{Aes256Gcm, AesGcm, Nonce};
use hmac::{Hmac, Mac};
use liangxin_domain::resident_id::ResidentId;
use sha2::Sha256;
use sm3::Sm3;

use crate::error::{Result, StoreError};

type HmacSha256 = Hmac<Sha256>;
type HmacSm3 = Hmac<Sm3>;
/// SM4 in Galois/Counter Mode with a 96-bit nonce, as AES-256-GCM is used.
type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

/// 密码算法: the algorithms a database's personal data and audit chain are kept with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Suite {
    /// AES-256-GCM and HMAC-SHA-256.
    #[default]
    Standard,
    /// 国密: SM4-GCM and HMAC-SM3 (商用密码应用安全性评估, GB/T 39786).
    Guomi,
}

impl Suite {
    /// How the command line names it.
    pub fn code(self) -> &'static str {
        match self {
            Suite::Standard => "aes",
            Suite::Guomi => "sm",
        }
    }

    /// How the pages and `verify-log` state it.
    pub fn label(self) -> &'static str {
        match self {
            Suite::Standard => "AES-256-GCM 加密，HMAC-SHA-256 摘要",
            Suite::Guomi => "国密 SM4-GCM 加密，HMAC-SM3 摘要（GB/T 39786）",
        }
    }

    /// `aes` or `sm` (and the algorithms' own names).
    pub fn parse(text: &str) -> Option<Suite> {
        match text.trim().to_ascii_lowercase().as_str() {
            "aes" | "aes-gcm" | "aes256" | "sha256" => Some(Suite::Standard),
            "sm" | "sm4" | "sm3" | "sm4-sm3" | "guomi" | "国密" => Some(Suite::Guomi),
            _ => None,
        }
    }

    /// The first byte of a value sealed with it.
    fn version(self) -> u8 {
        match self {
            Suite::Standard => SEALED_V2,
            Suite::Guomi => SEALED_SM4,
        }
    }

    /// The suite a stored key check was made with: a 国密 one says so.
    fn of_check(check: &str) -> Suite {
        match check.starts_with(SM_CHECK) {
            true => Suite::Guomi,
            false => Suite::Standard,
        }
    }

    /// The keyed hash of the parts, one after another.
    fn mac(self, key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        match self {
            Suite::Standard => {
                let mut mac =
                    <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
                parts.iter().for_each(|p| mac.update(p));
                mac.finalize().into_bytes().into()
            }
            Suite::Guomi => {
                let mut mac =
                    <HmacSm3 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
                parts.iter().for_each(|p| mac.update(p));
                mac.finalize().into_bytes().into()
            }
        }
    }
}

/// A key check made with [`Suite::Guomi`] begins with this.
const SM_CHECK: &str = "sm3:";

/// The authenticated cipher of a suite, keyed.
enum Sealer {
    Aes(Box<Aes256Gcm>),
    Sm4(Box<Sm4Gcm>),
}

impl Sealer {
    fn new(suite: Suite, key: [u8; 32]) -> Sealer {
        match suite {
            Suite::Standard => Sealer::Aes(Box::new(Aes256Gcm::new(&key.into()))),
            // SM4 takes a 128-bit key: the first half of the derived one.
            Suite::Guomi => Sealer::Sm4(Box::new(
                Sm4Gcm::new_from_slice(&key[..16]).expect("SM4 takes 16 bytes"),
            )),
        }
    }

    fn encrypt(&self, nonce: &[u8], payload: Payload<'_, '_>) -> aes_gcm::aead::Result<Vec<u8>> {
        match self {
            Sealer::Aes(c) => c.encrypt(Nonce::from_slice(nonce), payload),
            Sealer::Sm4(c) => c.encrypt(Nonce::from_slice(nonce), payload),
        }
    }

    fn decrypt(&self, nonce: &[u8], payload: Payload<'_, '_>) -> aes_gcm::aead::Result<Vec<u8>> {
        match self {
            Sealer::Aes(c) => c.decrypt(Nonce::from_slice(nonce), payload),
            Sealer::Sm4(c) => c.decrypt(Nonce::from_slice(nonce), payload),
        }
    }
}

/// Where the master key comes from.
#[derive(Clone)]
pub enum KeySource {
    /// 64 hex digits (from `LIANGXIN_KEY`); older keys may follow, separated by commas.
    Hex(String),
    /// A file holding 64 hex digits a line (the keys of the ring); created with a fresh
    /// random key for a new database.
    File(std::path::PathBuf),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Hex(_) => f.write_str("KeySource::Hex(***)"),
            KeySource::File(p) => write!(f, "KeySource::File({})", p.display()),
        }
    }
}

/// The first byte of a sealed value in the present format: version, key id, nonce, text.
const SEALED_V2: u8 = 2;
/// The same layout sealed with SM4-GCM.
const SEALED_SM4: u8 = 3;
/// Version (1) and key id (4) before the nonce.
const HEAD: usize = 5;

/// One master key and what is derived from it.
struct Keys {
    suite: Suite,
    id: [u8; 4],
    ids: Sealer,
    /// Seals uploaded files while they wait for a commit (they hold resident IDs).
    files: Sealer,
    mac_key: [u8; 32],
    /// Keys the audit log's hash chain, so rows cannot be rewritten and re-chained by
    /// someone who can only write to the database.
    chain_key: [u8; 32],
    master: [u8; 32],
}

impl Keys {
    fn new(master: &[u8; 32], suite: Suite) -> Keys {
        let derive = |label: &[u8]| suite.mac(master, &[label]);
        let id = derive(b"liangxin key id v1");
        Keys {
            suite,
            id: [id[0], id[1], id[2], id[3]],
            ids: Sealer::new(suite, derive(b"liangxin resident-id encryption v1")),
            files: Sealer::new(suite, derive(b"liangxin upload encryption v1")),
            mac_key: derive(b"liangxin resident-id lookup v1"),
            chain_key: derive(b"liangxin audit chain v1"),
            master: *master,
        }
    }

    fn mac_hex(&self, data: &[u8]) -> String {
        hex::encode(self.suite.mac(&self.mac_key, &[data]))
    }

    fn check(&self) -> String {
        let check = self.mac_hex(b"liangxin key check");
        match self.suite {
            Suite::Standard => check,
            Suite::Guomi => format!("{SM_CHECK}{check}"),
        }
    }
}

/// Encrypts, hashes and decrypts resident IDs, and keys the audit chain, with the current
/// key; opens and verifies with any key of the ring.
pub struct IdCipher {
    current: Keys,
    /// Keys used before a rotation, newest first.
    older: Vec<Keys>,
}

impl std::fmt::Debug for IdCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdCipher(..)")
    }
}

fn parse_hex_key(text: &str) -> Result<[u8; 32]> {
    let bytes = hex::decode(text.trim())
        .map_err(|_| StoreError::Key("密钥必须是64位十六进制数字".into()))?;
    bytes
        .try_into()
        .map_err(|_| StoreError::Key("密钥必须是64位十六进制数字（32字节）".into()))
}

/// The keys of a ring written as text: one a line, `#` lines and blank ones ignored.
fn parse_ring(text: &str, separator: char) -> Result<Vec<[u8; 32]>> {
    let keys = text
        .split(separator)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(parse_hex_key)
        .collect::<Result<Vec<_>>>()?;
    if keys.is_empty() {
        return Err(StoreError::Key("没有密钥".into()));
    }
    Ok(keys)
}

/// Associated data of a resident ID's ciphertext: the row it belongs to, so that a
/// ciphertext copied onto another member's row does not open there.
fn row_aad(county: i32, member: i64) -> [u8; 34] {
    let mut aad = [0u8; 34];
    aad[..22].copy_from_slice(b"liangxin resident-id|\x00");
    aad[22..26].copy_from_slice(&county.to_be_bytes());
    aad[26..].copy_from_slice(&member.to_be_bytes());
    aad
}

impl IdCipher {
    /// Loads the key ring. `stored_check` is the database's key check: the key that
    /// matches it is the current one, with the suite it was made with (a database never
    /// seen before takes the first key, with `suite`). A missing key file is created only
    /// for such a new database: for one that has encrypted, a new key would make every
    /// stored ID unreadable, so it is refused.
    pub fn load(source: &KeySource, stored_check: Option<&str>, suite: Suite) -> Result<Self> {
        let masters = match source {
            KeySource::Hex(h) => parse_ring(h, ',')?,
            KeySource::File(path) => load_or_create(path, stored_check.is_none())?,
        };
        let suite = stored_check.map_or(suite, Suite::of_check);
        let mut ring: Vec<Keys> = masters.iter().map(|m| Keys::new(m, suite)).collect();
        let at = match stored_check {
            None => 0,
            Some(check) => ring
                .iter()
                .position(|k| k.check() == check)
                .ok_or_else(|| {
                    StoreError::Key(
                        "密钥与此数据库不匹配（请使用创建数据库时的 LIANGXIN_KEY 或密钥文件）"
                            .into(),
                    )
                })?,
        };
        let current = ring.remove(at);
        Ok(IdCipher {
            current,
            older: ring,
        })
    }

    pub fn from_master(master: &[u8; 32], suite: Suite) -> Self {
        IdCipher {
            current: Keys::new(master, suite),
            older: Vec::new(),
        }
    }

    /// The algorithms it keeps data with.
    pub fn suite(&self) -> Suite {
        self.current.suite
    }

    /// This ring with `master` as its current key and the present keys kept as older ones,
    /// in the same suite.
    pub fn rotated_to(&self, master: &[u8; 32]) -> IdCipher {
        let suite = self.current.suite;
        let mut older = vec![Keys::new(&self.current.master, suite)];
        older.extend(self.older.iter().map(|k| Keys::new(&k.master, suite)));
        IdCipher {
            current: Keys::new(master, suite),
            older,
        }
    }

    /// The ring's master keys, the current one first (as a key file holds them).
    pub fn masters(&self) -> Vec<[u8; 32]> {
        std::iter::once(&self.current)
            .chain(&self.older)
            .map(|k| k.master)
            .collect()
    }

    /// The current key's id, as ciphertexts and audit rows carry it (hex).
    pub fn key_id(&self) -> String {
        hex::encode(self.current.id)
    }

    /// How old a key of the ring is: 0 the current one, then the older ones newest first
    /// (as `rotate-key` writes them); `None` for an id the ring does not hold.
    pub fn key_rank(&self, key_id: &str) -> Option<usize> {
        let id = hex::decode(key_id).ok()?;
        std::iter::once(&self.current)
            .chain(&self.older)
            .position(|k| k.id[..] == id[..])
    }

    fn by_id(&self, id: &[u8]) -> Option<&Keys> {
        std::iter::once(&self.current)
            .chain(&self.older)
            .find(|k| k.id == id)
    }

    /// The keyed hash used to find a member by resident ID without decrypting.
    pub fn lookup_hash(&self, id: &ResidentId) -> String {
        self.current.mac_hex(id.expose().as_bytes())
    }

    /// A value stored at first migration to tell a wrong key from a right one.
    pub fn key_check(&self) -> String {
        self.current.check()
    }

    /// HMAC over length-prefixed parts, for the audit chain, with the current key.
    pub fn chain_mac(&self, parts: &[&str]) -> String {
        chain_mac_with(&self.current, parts)
    }

    /// The chain MACs a row could carry: with the key its id names, or (a row from before
    /// key ids, `""`) with every key of the ring.
    pub fn chain_macs(&self, key_id: &str, parts: &[&str]) -> Vec<String> {
        let named = hex::decode(key_id).ok();
        std::iter::once(&self.current)
            .chain(&self.older)
            .filter(|k| {
                named
                    .as_deref()
                    .is_none_or(|id| id.is_empty() || k.id == id)
            })
            .map(|k| chain_mac_with(k, parts))
            .collect()
    }

    /// A resident ID sealed for the member row `(county, member)`: version, key id, nonce,
    /// then ciphertext and tag, the row as associated data.
    pub fn encrypt(&self, id: &ResidentId, county: i32, member: i64) -> Result<Vec<u8>> {
        let aad = row_aad(county, member);
        let payload = Payload {
            msg: id.expose().as_bytes(),
            aad: &aad,
        };
        self.seal(&self.current.ids, payload, "身份证号加密失败")
    }

    /// Opens a resident ID sealed for the member row `(county, member)`. Only the current
    /// key opens one: a rotation seals every ID again, so a value sealed with an older key
    /// (one that may have leaked) is not taken.
    pub fn decrypt(&self, sealed: &[u8], county: i32, member: i64) -> Result<ResidentId> {
        let failed = || StoreError::Key("身份证号解密失败：密钥不匹配或数据被篡改".into());
        if sealed.len() < HEAD + 12 || sealed[0] != self.current.suite.version() {
            return Err(StoreError::Key("密文格式错误".into()));
        }
        if sealed[1..HEAD] != self.current.id {
            return Err(StoreError::Key("身份证号不是用当前密钥加密的".into()));
        }
        let keys = &self.current;
        let (nonce, body) = sealed[HEAD..].split_at(12);
        let aad = row_aad(county, member);
        let plain = keys
            .ids
            .decrypt(
                nonce,
                Payload {
                    msg: body,
                    aad: &aad,
                },
            )
            .map_err(|_| failed())?;
        parse_plain(plain)
    }

    /// Whether a stored value is sealed in the present format with the current key.
    pub fn is_current(&self, sealed: &[u8]) -> bool {
        sealed.len() > HEAD
            && sealed[0] == self.current.suite.version()
            && sealed[1..HEAD] == self.current.id
    }

    /// Whether a stored resident ID is sealed in the present format (version, the id of a
    /// key of the ring, nonce, the 18 characters and the tag), not the older unbound one.
    pub fn is_bound(&self, sealed: &[u8]) -> bool {
        sealed.len() == HEAD + 12 + 18 + 16
            && sealed[0] == self.current.suite.version()
            && self.by_id(&sealed[1..HEAD]).is_some()
    }

    /// Opens a value sealed before ciphertexts carried a version, a key id and their row
    /// (nonce, then ciphertext and tag), with any key of the ring: for the one-time
    /// upgrade of such values.
    pub fn decrypt_unbound(&self, sealed: &[u8]) -> Result<ResidentId> {
        if sealed.len() < 12 {
            return Err(StoreError::Key("密文长度错误".into()));
        }
        let (nonce, body) = sealed.split_at(12);
        std::iter::once(&self.current)
            .chain(&self.older)
            .find_map(|k| k.ids.decrypt(nonce, body.into()).ok())
            .ok_or_else(|| StoreError::Key("身份证号解密失败：密钥不匹配或数据被篡改".into()))
            .and_then(parse_plain)
    }

    /// An uploaded file sealed: version, key id, nonce, ciphertext and tag.
    pub fn seal_file(&self, plain: &[u8]) -> Result<Vec<u8>> {
        self.seal(&self.current.files, plain.into(), "上传文件加密失败")
    }

    /// The sealed layout both kinds share: version, the current key's id, a fresh nonce,
    /// then ciphertext and tag.
    fn seal(&self, aead: &Sealer, payload: Payload<'_, '_>, failed: &str) -> Result<Vec<u8>> {
        let nonce = random_bytes::<12>()?;
        let sealed = aead
            .encrypt(&nonce, payload)
            .map_err(|_| StoreError::Key(failed.into()))?;
        let mut out = Vec::with_capacity(HEAD + 12 + sealed.len());
        out.push(self.current.suite.version());
        out.extend_from_slice(&self.current.id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    pub fn open_file(&self, sealed: &[u8]) -> Result<Vec<u8>> {
        let failed = || StoreError::Key("上传文件解密失败：密钥不匹配或数据被篡改".into());
        if sealed.len() >= HEAD + 12
            && sealed[0] == self.current.suite.version()
            && let Some(keys) = self.by_id(&sealed[1..HEAD])
        {
            let (nonce, body) = sealed[HEAD..].split_at(12);
            return keys.files.decrypt(nonce, body.into()).map_err(|_| failed());
        }
        // A file staged before sealed values named their key: nonce, ciphertext and tag.
        if sealed.len() < 12 {
            return Err(failed());
        }
        let (nonce, body) = sealed.split_at(12);
        std::iter::once(&self.current)
            .chain(&self.older)
            .find_map(|k| k.files.decrypt(nonce, body.into()).ok())
            .ok_or_else(failed)
    }
}

fn parse_plain(plain: Vec<u8>) -> Result<ResidentId> {
    let text = String::from_utf8(plain).map_err(|_| StoreError::Key("解密结果不是文本".into()))?;
    ResidentId::parse(&text)
        .map(|p| p.value)
        .map_err(|e| StoreError::Key(format!("解密结果不是有效身份证号：{e}")))
}

fn chain_mac_with(keys: &Keys, parts: &[&str]) -> String {
    let lengths: Vec<[u8; 8]> = parts
        .iter()
        .map(|p| (p.len() as u64).to_le_bytes())
        .collect();
    let chunks: Vec<&[u8]> = parts
        .iter()
        .zip(&lengths)
        .flat_map(|(p, n)| [&n[..], p.as_bytes()])
        .collect();
    hex::encode(keys.suite.mac(&keys.chain_key, &chunks))
}

/// `N` bytes from the operating system's generator; an error when it fails, never zeros.
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| StoreError::Key(format!("系统随机数发生器不可用：{e}")))?;
    Ok(bytes)
}

fn load_or_create(path: &Path, may_create: bool) -> Result<Vec<[u8; 32]>> {
    match fs::read_to_string(path) {
        Ok(text) => {
            check_private(path)?;
            parse_ring(&text, '\n').map_err(|e| StoreError::Key(format!("{}：{e}", path.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !may_create => {
            Err(StoreError::Key(format!(
                "密钥文件 {} 不存在，而此数据库的身份证号已用密钥加密：请从保管处恢复密钥文件\
                 （或用 --key-file、LIANGXIN_KEY 指明它）；不会生成新密钥",
                path.display()
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_bytes::<32>()?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                && !dir.exists()
            {
                fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Key(format!("无法创建 {}：{e}", dir.display())))?;
                // Only a directory made here is narrowed; one that exists is the operator's.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
                }
            }
            write_private(path, &format!("{}\n", hex::encode(key)), true).map_err(|e| {
                StoreError::Key(format!("无法写入密钥文件 {}：{e}", path.display()))
            })?;
            Ok(vec![key])
        }
        Err(e) => Err(StoreError::Key(format!(
            "无法读取密钥文件 {}：{e}",
            path.display()
        ))),
    }
}

/// Replaces a key file with `masters` (the current key first), durably: written beside,
/// synced, renamed over it, the directory synced. For `rotate-key`.
pub fn write_key_file(path: &Path, masters: &[[u8; 32]]) -> Result<()> {
    let text: String = masters
        .iter()
        .map(|k| format!("{}\n", hex::encode(k)))
        .collect();
    let temp = path.with_extension("key.new");
    let fail =
        |e: std::io::Error| StoreError::Key(format!("无法写入密钥文件 {}：{e}", path.display()));
    let _ = fs::remove_file(&temp);
    write_private(&temp, &text, false).map_err(fail)?;
    fs::rename(&temp, path).map_err(fail)?;
    sync_dir(path).map_err(fail)
}

/// A key file others can read is refused: a copy of it with the data gives every ID away.
fn check_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map_err(|e| StoreError::Key(format!("无法读取密钥文件 {}：{e}", path.display())))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(StoreError::Key(format!(
                "密钥文件 {} 的权限为 {:o}，其他用户可读：请执行 chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            )));
        }
    }
    Ok(())
}

/// Creates a file (never over an existing one), readable by the owner only, and makes it
/// durable (with its directory when `sync_parent`) before anything relies on it.
fn write_private(path: &Path, text: &str, sync_parent: bool) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    if sync_parent {
        sync_dir(path)?;
    }
    Ok(())
}

fn sync_dir(path: &Path) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> ResidentId {
        ResidentId::parse("11010519491231002X")
            .map(|p| p.value)
            .unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn a_ciphertext_opens_on_its_own_row_only() {
        let c = IdCipher::from_master(&[7; 32], Suite::Standard);
        let sealed = c.encrypt(&id(), 330825, 12).unwrap_or_default();
        assert_eq!(c.decrypt(&sealed, 330825, 12).ok(), Some(id()));
        assert!(c.decrypt(&sealed, 330825, 13).is_err());
        assert!(c.decrypt(&sealed, 330802, 12).is_err());
    }

    #[test]
    fn a_value_sealed_before_key_ids_opens_for_its_upgrade() {
        let c = IdCipher::from_master(&[3; 32], Suite::Standard);
        let nonce = [4u8; 12];
        let body = c
            .current
            .ids
            .encrypt(&nonce, id().expose().as_bytes().into())
            .unwrap_or_default();
        let legacy = [nonce.to_vec(), body].concat();
        assert!(!c.is_bound(&legacy));
        assert_eq!(c.decrypt_unbound(&legacy).ok(), Some(id()));
        let bound = c.encrypt(&id(), 1, 2).unwrap_or_default();
        assert!(c.is_bound(&bound));
    }

    #[test]
    fn a_rotated_ring_opens_the_old_and_seals_with_the_new() {
        let old = IdCipher::from_master(&[1; 32], Suite::Standard);
        let sealed = old.encrypt(&id(), 1, 1).unwrap_or_default();
        let new = old.rotated_to(&[2; 32]);
        assert_ne!(new.key_id(), old.key_id());
        assert!(
            new.decrypt(&sealed, 1, 1).is_err(),
            "after a rotation only the new key opens an ID"
        );
        assert!(!new.is_current(&sealed));
        assert_eq!(new.key_rank(&new.key_id()), Some(0));
        assert_eq!(new.key_rank(&old.key_id()), Some(1));
        assert_eq!(new.key_rank(""), None);
        let again = new.encrypt(&id(), 1, 1).unwrap_or_default();
        assert!(new.is_current(&again));
        assert!(
            old.decrypt(&again, 1, 1).is_err(),
            "the old key cannot open the new"
        );
        assert_eq!(new.masters(), vec![[2; 32], [1; 32]]);
        // The old key's chain rows still verify under the new ring, by their key id.
        let mac = old.chain_mac(&["a"]);
        assert!(new.chain_macs(&old.key_id(), &["a"]).contains(&mac));
        assert!(new.chain_macs("", &["a"]).contains(&mac));
        assert!(!new.chain_macs(&new.key_id(), &["a"]).contains(&mac));
    }

    #[test]
    fn the_guomi_suite_seals_hashes_and_chains_apart_from_the_standard_one() {
        let sm = IdCipher::from_master(&[9; 32], Suite::Guomi);
        let aes = IdCipher::from_master(&[9; 32], Suite::Standard);
        let sealed = sm.encrypt(&id(), 330825, 12).unwrap_or_default();
        assert_eq!(sealed[0], SEALED_SM4);
        assert_eq!(sm.decrypt(&sealed, 330825, 12).ok(), Some(id()));
        assert!(sm.decrypt(&sealed, 330825, 13).is_err(), "bound to its row");
        assert!(aes.decrypt(&sealed, 330825, 12).is_err());
        assert!(sm.is_bound(&sealed) && sm.is_current(&sealed));
        // Same master, other algorithms: nothing derived agrees.
        assert_ne!(sm.lookup_hash(&id()), aes.lookup_hash(&id()));
        assert_ne!(sm.chain_mac(&["a", "b"]), aes.chain_mac(&["a", "b"]));
        assert_ne!(sm.key_id(), aes.key_id());
        assert!(sm.key_check().starts_with(SM_CHECK));
        // HMAC-SM3 is what it says (RFC 2104 over SM3, 32 bytes), not SHA-256 renamed.
        let mut mac = <HmacSm3 as Mac>::new_from_slice(&sm.current.mac_key)
            .unwrap_or_else(|_| unreachable!());
        mac.update(id().expose().as_bytes());
        assert_eq!(
            sm.lookup_hash(&id()),
            hex::encode(mac.finalize().into_bytes())
        );
        let file = sm.seal_file(b"sheet").unwrap_or_default();
        assert_eq!(sm.open_file(&file).ok(), Some(b"sheet".to_vec()));
        // A database's check names its suite: loading takes it from there, whatever the
        // caller asks for a new database.
        let key = KeySource::Hex(hex::encode([9u8; 32]));
        let loaded = IdCipher::load(&key, Some(&sm.key_check()), Suite::Standard);
        assert_eq!(loaded.map(|c| c.suite()).ok(), Some(Suite::Guomi));
        let fresh = IdCipher::load(&key, None, Suite::Guomi);
        assert_eq!(fresh.map(|c| c.key_check()).ok(), Some(sm.key_check()));
        assert_eq!(sm.rotated_to(&[8; 32]).suite(), Suite::Guomi);
    }
}
