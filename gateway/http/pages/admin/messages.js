// The message composer's picture: the chosen file goes into the form as a data: URL (the
// form posts it with the text), with a thumbnail. Without script the message goes without one.
const MAX_BYTES = 512 * 1024

for (const input of document.querySelectorAll('input[type=file][data-into]')) {
  const target = input.form.elements.namedItem(input.dataset.into)
  const thumb = document.createElement('img')
  thumb.className = 'thumb'
  thumb.alt = ''
  input.after(thumb)
  const show = () => {
    thumb.src = target.value || ''
    thumb.hidden = !target.value
  }
  show()
  input.addEventListener('change', () => {
    const file = input.files && input.files[0]
    if (!file) return
    if (file.size > MAX_BYTES) {
      input.setCustomValidity(`${Math.round(file.size / 1024)} KB > ${MAX_BYTES / 1024} KB`)
      input.reportValidity()
      input.value = ''
      return
    }
    input.setCustomValidity('')
    const reader = new FileReader()
    reader.addEventListener('load', () => {
      target.value = String(reader.result)
      show()
    })
    reader.readAsDataURL(file)
  })
}
