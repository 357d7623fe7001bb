extension UInt8 {
    /// The value of an ASCII hex digit (`0`–`9`, `a`–`f`, `A`–`F`), or `nil` for any other byte:
    /// for the parsers that read hex from bytes (a chunk size, a JSON `\u` escape).
    @inlinable
    public var hexDigitValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
