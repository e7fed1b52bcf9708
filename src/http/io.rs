//! The bridge between tokio's I/O traits and hyper's, without `unsafe`: reads go through a small
//! buffer of the connection's own, then into hyper's.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A byte stream a connection runs on: TCP, or TLS over TCP.
pub(crate) trait Socket: AsyncRead + AsyncWrite + Send + Unpin + 'static {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Socket for T {}

/// Size of the read buffer of a connection: one TLS record.
const READ_BUFFER: usize = 16 * 1024;

/// A [`Socket`] as hyper's `Read + Write`.
pub(crate) struct Io {
    socket: Box<dyn Socket>,
    buffer: Box<[u8]>,
}

impl Io {
    pub(crate) fn new(socket: Box<dyn Socket>) -> Io {
        Io {
            socket,
            buffer: vec![0; READ_BUFFER].into_boxed_slice(),
        }
    }
}

impl hyper::rt::Read for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let want = buf.remaining().min(this.buffer.len());
        let mut read = ReadBuf::new(&mut this.buffer[..want]);
        match Pin::new(&mut this.socket).poll_read(cx, &mut read) {
            Poll::Ready(Ok(())) => {
                buf.put_slice(read.filled());
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl hyper::rt::Write for Io {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().socket).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().socket).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().socket).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().socket).poll_write_vectored(cx, bufs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::poll_fn;

    #[tokio::test]
    async fn reads_and_writes_pass_through() {
        let (a, mut b) = tokio::io::duplex(64);
        let mut io = Io::new(Box::new(a));
        let written = poll_fn(|cx| hyper::rt::Write::poll_write(Pin::new(&mut io), cx, b"ping"))
            .await
            .expect("write");
        assert_eq!(written, 4);
        let mut got = [0u8; 4];
        tokio::io::AsyncReadExt::read_exact(&mut b, &mut got)
            .await
            .expect("read");
        assert_eq!(&got, b"ping");
        tokio::io::AsyncWriteExt::write_all(&mut b, b"pong")
            .await
            .expect("write back");
        let mut storage = [std::mem::MaybeUninit::<u8>::uninit(); 8];
        let mut buf = hyper::rt::ReadBuf::uninit(&mut storage);
        poll_fn(|cx| hyper::rt::Read::poll_read(Pin::new(&mut io), cx, buf.unfilled()))
            .await
            .expect("read");
        assert_eq!(buf.filled(), b"pong");
    }
}
