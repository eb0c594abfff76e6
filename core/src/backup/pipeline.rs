//! The streaming part of a backup on two threads: the caller's thread reads every file,
//! hashes it and lays it out as tar into 1 MiB blocks; a writer thread derives the key
//! (scrypt, inside age), encrypts the blocks with age's STREAM and writes them to the
//! file, asking the OS to start writing back as it goes, then fsyncs. The blocks travel
//! through a bounded channel and come back for reuse, so memory stays flat (a few MiB).
//!
//! Either side stopping stops the other: the reader stops when a send finds the writer
//! gone (its error is the one reported), and the writer stops, without finishing the age
//! stream, when the channel closes before the end was sent.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use age::secrecy::SecretString;
use chrono::{DateTime, Utc};

use super::error::BackupError;
use super::io::{cancelled_io, hex, Meter};
use crate::evidence::{CancelFlag, Progress};

/// Size of one block handed from the reader to the writer.
const BLOCK: usize = 1 << 20;
/// Blocks in flight (the reader fills one while the writer encrypts the others).
const BLOCKS: usize = 4;
/// The writer asks the OS to start writing the file out every this many bytes, so that
/// the final fsync has little left to wait for.
const WRITEBACK_EVERY: u64 = 8 << 20;

/// One file of the tar stream.
pub(super) struct Source<'p> {
    pub tar_path: &'p str,
    pub size: u64,
    pub sha256: &'p str,
    pub path: &'p std::path::Path,
}

/// Writes `manifest_json` and then every source as a tar stream encrypted with age
/// (scrypt, work factor `log_n`) into `file`, hashing each source as it is read (one whose
/// bytes or size differ from its record fails with [`BackupError::EntryMismatch`]), and
/// fsyncs the file. `fail_writes_after` is a test hook: writes fail with "no space" past
/// that many bytes. Returns the file and the progress meter.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_encrypted<'a>(
    file: File,
    passphrase: &str,
    log_n: u8,
    manifest_json: &[u8],
    total_bytes: u64,
    sources: &[Source<'_>],
    created_at: DateTime<Utc>,
    progress: &'a dyn Progress,
    cancel: &'a CancelFlag,
    fail_writes_after: Option<u64>,
) -> Result<(File, Meter<'a>), BackupError> {
    let mut meter = Meter::new(total_bytes, progress, cancel);
    meter.report();
    let (data_tx, data_rx) = sync_channel::<Msg>(BLOCKS);
    let (free_tx, free_rx) = sync_channel::<Vec<u8>>(BLOCKS);
    for _ in 1..BLOCKS {
        let _ = free_tx.send(vec![0; BLOCK]);
    }
    let out = OutFile {
        file,
        written: 0,
        synced_to: 0,
        fail_after: fail_writes_after,
    };
    std::thread::scope(|s| {
        let writer = std::thread::Builder::new()
            .name("tuilu-backup-writer".into())
            .spawn_scoped(s, move || {
                encrypt_and_write(out, passphrase, log_n, data_rx, free_tx)
            })
            .map_err(BackupError::write("start"))?;
        let mut blocks = Blocks {
            tx: data_tx,
            free: free_rx,
            cur: vec![0; BLOCK],
            len: 0,
        };
        let read = match read_all(
            &mut blocks,
            manifest_json,
            sources,
            created_at,
            &mut meter,
            cancel,
        ) {
            Ok(()) => blocks.end(),
            Err(stop) => {
                // Closes the channel before the end: the writer stops too.
                drop(blocks);
                Err(stop)
            }
        };
        let written = writer.join().unwrap_or_else(|_| {
            Err(BackupError::Io {
                op: "write",
                source: io::Error::other("the backup writer stopped unexpectedly"),
            })
        });
        match (read, written) {
            (Ok(()), Ok(file)) => Ok(file),
            (Err(Stop::WriterGone), Err(e)) | (Ok(()), Err(e)) => Err(e),
            (Err(Stop::WriterGone), Ok(_)) => Err(BackupError::Io {
                op: "write",
                source: io::Error::other("the backup writer stopped early"),
            }),
            (Err(Stop::Read(e)), _) => Err(if cancel.is_cancelled() {
                BackupError::Cancelled
            } else {
                BackupError::Io {
                    op: "read",
                    source: e,
                }
            }),
            (Err(Stop::Changed(path)), _) => Err(BackupError::EntryMismatch {
                path,
                what: "changed while it was being backed up; try again",
            }),
        }
    })
    .map(|file| (file, meter))
}

/// From the reader to the writer.
enum Msg {
    /// A block of the tar stream (all of it is data).
    Data(Vec<u8>),
    /// The whole stream was sent: finish the age stream and fsync.
    End,
}

/// Why the reader stopped early.
enum Stop {
    /// The writer failed (its error is the one to report) or stopped.
    WriterGone,
    /// Reading a file failed, or the backup was cancelled.
    Read(io::Error),
    /// A file's bytes or size differ from its record (its path in the archive).
    Changed(String),
}

/// The block being filled, and the channels it goes through.
struct Blocks {
    tx: SyncSender<Msg>,
    free: Receiver<Vec<u8>>,
    /// Always `BLOCK` bytes long; `len` of them are filled.
    cur: Vec<u8>,
    len: usize,
}

impl Blocks {
    /// Sends the filled part of the current block and takes a free one.
    fn send(&mut self) -> Result<(), Stop> {
        let mut next = self.free.recv().map_err(|_| Stop::WriterGone)?;
        next.resize(BLOCK, 0);
        let mut full = std::mem::replace(&mut self.cur, next);
        full.truncate(self.len);
        self.len = 0;
        self.tx.send(Msg::Data(full)).map_err(|_| Stop::WriterGone)
    }

    fn put(&mut self, mut data: &[u8]) -> Result<(), Stop> {
        while !data.is_empty() {
            if self.len == BLOCK {
                self.send()?;
            }
            let n = data.len().min(BLOCK - self.len);
            self.cur[self.len..self.len + n].copy_from_slice(&data[..n]);
            self.len += n;
            data = &data[n..];
        }
        Ok(())
    }

    /// Reads `size` bytes of `r` straight into the blocks, hashing them. Returns the hash
    /// and how many bytes there were (fewer than `size`: the file is shorter).
    fn put_file(
        &mut self,
        r: &mut impl Read,
        size: u64,
        meter: &mut Meter<'_>,
        cancel: &CancelFlag,
    ) -> Result<(String, u64), Stop> {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        let mut done = 0u64;
        while done < size {
            if cancel.is_cancelled() {
                return Err(Stop::Read(cancelled_io()));
            }
            if self.len == BLOCK {
                self.send()?;
            }
            let want = (BLOCK - self.len).min((size - done).min(usize::MAX as u64) as usize);
            let n = match r.read(&mut self.cur[self.len..self.len + want]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Stop::Read(e)),
            };
            hasher.update(&self.cur[self.len..self.len + n]);
            self.len += n;
            done += n as u64;
            meter.add(n as u64);
        }
        Ok((hex(&hasher.finalize()), done))
    }

    /// Sends what is left and the end of the stream.
    fn end(mut self) -> Result<(), Stop> {
        if self.len > 0 {
            self.send()?;
        }
        self.tx.send(Msg::End).map_err(|_| Stop::WriterGone)
    }
}

/// The reader's side: the manifest, then every source with its tar header and padding,
/// then the end of the archive ([`Blocks::end`] sends the last block).
fn read_all(
    blocks: &mut Blocks,
    manifest_json: &[u8],
    sources: &[Source<'_>],
    created_at: DateTime<Utc>,
    meter: &mut Meter<'_>,
    cancel: &CancelFlag,
) -> Result<(), Stop> {
    // Headers are laid out by the tar crate (long names included) into a scratch buffer:
    // an entry of size 0 is its header alone, then its data and padding follow here.
    let mut headers = tar::Builder::new(Vec::with_capacity(1536));
    let mut header = |path: &str, size: u64| -> Result<Vec<u8>, Stop> {
        headers.get_mut().clear();
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(size);
        h.set_mode(0o600);
        h.set_mtime(created_at.timestamp().max(0) as u64);
        headers
            .append_data(&mut h, path, io::empty())
            .map_err(Stop::Read)?;
        Ok(headers.get_ref().clone())
    };
    const ZEROS: [u8; 1024] = [0; 1024];
    let pad = |n: u64| &ZEROS[..((512 - n % 512) % 512) as usize];

    blocks.put(&header(
        super::manifest::MANIFEST_PATH,
        manifest_json.len() as u64,
    )?)?;
    blocks.put(manifest_json)?;
    blocks.put(pad(manifest_json.len() as u64))?;
    for s in sources {
        if cancel.is_cancelled() {
            return Err(Stop::Read(cancelled_io()));
        }
        let mut f = File::open(s.path).map_err(Stop::Read)?;
        blocks.put(&header(s.tar_path, s.size)?)?;
        let (sha, n) = blocks.put_file(&mut f, s.size, meter, cancel)?;
        if sha != s.sha256 || n != s.size {
            return Err(Stop::Changed(s.tar_path.to_string()));
        }
        blocks.put(pad(n))?;
    }
    // The end of a tar archive: two zero blocks.
    blocks.put(&ZEROS)
}

/// The writer's side: scrypt and age's header, then every block through age's STREAM into
/// the file, then the end of the age stream and an fsync. Stops without finishing when the
/// reader closes the channel before [`Msg::End`].
fn encrypt_and_write(
    out: OutFile,
    passphrase: &str,
    log_n: u8,
    data: Receiver<Msg>,
    free: SyncSender<Vec<u8>>,
) -> Result<File, BackupError> {
    let key = super::backup_key(passphrase).into_owned();
    let mut recipient = age::scrypt::Recipient::new(SecretString::from(key));
    recipient.set_work_factor(log_n);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as _))
        .map_err(|_| BackupError::Vault("cannot set up encryption".into()))?;
    // age writes whole 64 KiB chunks, which go past this buffer straight to the file.
    let mut stream = encryptor
        .wrap_output(BufWriter::with_capacity(1 << 16, out))
        .map_err(BackupError::write("write"))?;
    loop {
        match data.recv() {
            Ok(Msg::Data(block)) => {
                stream
                    .write_all(&block)
                    .map_err(BackupError::write("write"))?;
                let _ = free.send(block);
            }
            Ok(Msg::End) => break,
            // The reader stopped; its error is the one reported.
            Err(_) => return Err(BackupError::Cancelled),
        }
    }
    let buffered = stream.finish().map_err(BackupError::write("write"))?;
    let out = buffered
        .into_inner()
        .map_err(|e| BackupError::from_io("write", e.into_error()))?;
    out.file.sync_all().map_err(BackupError::write("fsync"))?;
    Ok(out.file)
}

/// The output file: counts what is written, starts the OS's write-back as it goes, and
/// (test hook) fails with "no space" past a limit.
struct OutFile {
    file: File,
    written: u64,
    synced_to: u64,
    fail_after: Option<u64>,
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(limit) = self.fail_after {
            if self.written + buf.len() as u64 > limit {
                return Err(io::Error::from(io::ErrorKind::StorageFull));
            }
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.synced_to >= WRITEBACK_EVERY {
            start_writeback(&self.file, self.synced_to, self.written - self.synced_to);
            self.synced_to = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Asks the OS to start writing a range of the file to disk without waiting for it, so
/// that the disk works while the rest is encrypted (only a hint: the fsync at the end is
/// what makes the file durable).
#[cfg(target_os = "linux")]
fn start_writeback(file: &File, from: u64, len: u64) {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is open for as long as `file` is borrowed; the call reads
    // no memory of ours.
    unsafe {
        libc::sync_file_range(
            file.as_raw_fd(),
            from as _,
            len as _,
            libc::SYNC_FILE_RANGE_WRITE,
        );
    }
}

/// Elsewhere (the `libc` crate has no `sync_file_range` for Android) the fsync at the end
/// writes it all.
#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File, _from: u64, _len: u64) {}
