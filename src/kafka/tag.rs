//! A kind tag at the start of every client struct (producer, consumer, admin and the clients
//! built on them), so that a pointer of one client kind handed where another is expected is
//! recognised and reported as such, not taken for a closed or broken client.
//!
//! The structs that carry a tag are `#[repr(C)]` with the tag as their first field: the tag is
//! the first 8 bytes at the struct's address, whatever the struct is.

/// What kind of client a struct is. Values are arbitrary, but far from small integers and
/// pointers, so that memory of another kind is unlikely to match one by chance.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct Tag(u64);

impl Tag {
    pub const PRODUCER: Tag = Tag(0x6b61_666b_6166_0001);
    pub const CONSUMER: Tag = Tag(0x6b61_666b_6166_0002);
    pub const ADMIN: Tag = Tag(0x6b61_666b_6166_0003);
    pub const SERIALIZING_PRODUCER: Tag = Tag(0x6b61_666b_6166_0004);
    pub const DESERIALIZING_CONSUMER: Tag = Tag(0x6b61_666b_6166_0005);
    pub const AVRO_PRODUCER: Tag = Tag(0x6b61_666b_6166_0006);

    /// The tag at `p`, the address of a tagged struct or of any other readable object of at
    /// least 8 bytes, aligned to 8.
    ///
    /// # Safety
    /// `p` points to at least 8 readable bytes.
    #[inline]
    pub unsafe fn at(p: *const u8) -> Tag {
        Tag((p as *const u64).read_volatile())
    }
}
