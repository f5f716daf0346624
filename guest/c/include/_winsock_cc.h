/*
 * What winsock-cc predefines in every translation unit (it passes this file
 * with -include), as a Windows compiler predefines its keywords: Microsoft's
 * calling-convention and storage-class spellings, which legacy code writes
 * without including anything. On wasm32 there is one calling convention and
 * one module, so they are accepted and mean what they can mean here.
 */
#ifndef _WINSOCK_CC_H
#define _WINSOCK_CC_H

#define __cdecl
#define _cdecl
#define __stdcall
#define _stdcall
#define __fastcall
#define __thiscall
#define __vectorcall
#define __w64
#define __unaligned
#define __forceinline __inline__ __attribute__((__always_inline__))
#define __int8 char
#define __int16 short
#define __int32 int
#define __int64 long long

/* __declspec(x) becomes the matching attribute; dllimport and dllexport
 * mean nothing in a single component. */
#define __declspec(x) __winsock_declspec_##x
#define __winsock_declspec_dllimport
#define __winsock_declspec_dllexport
#define __winsock_declspec_noreturn __attribute__((__noreturn__))
#define __winsock_declspec_noinline __attribute__((__noinline__))
#define __winsock_declspec_nothrow
#define __winsock_declspec_novtable
#define __winsock_declspec_restrict
#define __winsock_declspec_noalias
#define __winsock_declspec_selectany __attribute__((__weak__))
#define __winsock_declspec_deprecated __attribute__((__deprecated__))
#define __winsock_declspec_thread __thread
#define __winsock_declspec_align(n) __attribute__((__aligned__(n)))

#endif /* _WINSOCK_CC_H */
